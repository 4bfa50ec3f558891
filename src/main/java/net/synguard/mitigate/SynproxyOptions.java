package net.synguard.mitigate;

import java.io.IOException;
import java.nio.file.Path;
import net.synguard.kernel.Sysctls;

/**
 * What the kernel's synproxy announces in its cookie SYN-ACKs for the kernel-synproxy engine
 * ({@link NftRuleset#synproxy}). The client keeps these for the whole connection, while the data
 * then flows to and from the real listener, and synproxy translates sequence numbers but not the
 * window scale or the MSS: so they must match the server (nft(8), SYNPROXY STATEMENT), and where
 * unsure err low. A lower MSS costs bigger segments, a lower window scale makes the client see
 * a smaller window than the server offers; a higher one makes the client send past the server's
 * real window (dropped, retransmitted) or segments larger than its path.
 *
 * @param mss4 MSS for IPv4 clients: 1460 on an Ethernet MTU of 1500
 * @param mss6 MSS for IPv6 clients: 1440 on the same MTU (40-byte header instead of 20)
 * @param wscale window scale shift, 0..14 (RFC 7323 2.3): what the server's listeners announce
 */
public record SynproxyOptions(int mss4, int mss6, int wscale) {
    /** Ethernet MSS and the window scale of Linux before 6.14 (tcp_rmem max 6 MiB). */
    public static final SynproxyOptions ETHERNET = new SynproxyOptions(1460, 1440, 7);

    public SynproxyOptions {
        // 536 and 1220: the smallest MSS every IPv4 (RFC 9293 3.7.1) and IPv6 (RFC 8200 5) host takes.
        if (mss4 < 536 || mss4 > 65495) {
            throw new IllegalArgumentException("synproxy mss " + mss4 + " for IPv4 out of range (expected 536..65495)");
        }
        if (mss6 < 1220 || mss6 > 65475) {
            throw new IllegalArgumentException(
                    "synproxy mss " + mss6 + " for IPv6 out of range (expected 1220..65475)");
        }
        if (wscale < 0 || wscale > 14) {
            throw new IllegalArgumentException("synproxy wscale " + wscale + " out of range (expected 0..14)");
        }
    }

    /**
     * Ethernet MSS, and the window scale this host's own listeners announce, from its sysctls
     * under {@code procSysNet} ({@code /proc/sys/net}): see {@link #linuxWscale}. Where a file
     * cannot be read, the value without it (lower, so safe); {@link #ETHERNET}'s 7 when neither
     * can. A listener that sets SO_RCVBUF announces less than this: give such a server its own
     * value.
     */
    public static SynproxyOptions ofHost(Path procSysNet) {
        long tcpRmemMax = lastField(procSysNet.resolve("ipv4/tcp_rmem"));
        long rmemMax = lastField(procSysNet.resolve("core/rmem_max"));
        if (tcpRmemMax < 0 && rmemMax < 0) {
            return ETHERNET;
        }
        return new SynproxyOptions(ETHERNET.mss4(), ETHERNET.mss6(), linuxWscale(tcpRmemMax, rmemMax));
    }

    /**
     * The window scale Linux gives a listener that did not set SO_RCVBUF: the shift that makes
     * {@code max(tcp_rmem[2], rmem_max)} fit in 16 bits, {@code ilog2(space) - 15} clamped to 0..14
     * (net/ipv4/tcp_output.c, tcp_select_initial_window). 6 MiB gives 7; the 32 MiB of Linux 6.14
     * and later gives 10.
     */
    public static int linuxWscale(long tcpRmemMax, long rmemMax) {
        long space = Math.min(Math.max(Math.max(tcpRmemMax, rmemMax), 1), 0xFFFF_FFFFL);
        int ilog2 = 63 - Long.numberOfLeadingZeros(space);
        return Math.clamp(ilog2 - 15, 0, 14);
    }

    /** The last number of a sysctl file ("4096 131072 33554432"), or -1 when it cannot be read. */
    private static long lastField(Path file) {
        try {
            String[] f = Sysctls.read(file).split("\\s+");
            return Long.parseLong(f[f.length - 1]);
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }
}
