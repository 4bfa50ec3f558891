package net.synguard.config;

import com.google.common.net.InetAddresses;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

/** Checks of the network names and literals an operator writes: interfaces, addresses, listen. */
final class Literals {

    /** Linux {@code IFNAMSIZ} (include/uapi/linux/if.h), counting the terminating NUL. */
    static final int IFNAMSIZ = 16;

    static final String ADDRESS = "an IPv4 or IPv6 address literal (names are not resolved)";

    /** PCAP_NETMASK_UNKNOWN: only "ip broadcast" needs a real netmask. */
    private static final java.net.Inet4Address NETMASK_UNKNOWN = netmaskUnknown();

    private Literals() {}

    private static java.net.Inet4Address netmaskUnknown() {
        try {
            return (java.net.Inet4Address) java.net.InetAddress.getByAddress(new byte[] {-1, -1, -1, -1});
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError("four bytes are always an IPv4 address", e);
        }
    }

    /**
     * Why libpcap's compiler refuses {@code expression} for an Ethernet capture, or null when it
     * compiles. Compiling needs no privilege and no interface ({@code pcap_open_dead}).
     */
    static String bpfProblem(String expression) {
        if (expression.isBlank()) {
            return "empty";
        }
        try {
            org.pcap4j.core.BpfProgram p = org.pcap4j.core.Pcaps.compileFilter(
                    65535,
                    org.pcap4j.packet.namednumber.DataLinkType.EN10MB,
                    expression,
                    org.pcap4j.core.BpfProgram.BpfCompileMode.OPTIMIZE,
                    NETMASK_UNKNOWN);
            p.free();
            return null;
        } catch (org.pcap4j.core.PcapNativeException e) {
            return e.getMessage();
        } catch (LinkageError e) {
            // No libpcap on this host: the capture would fail anyway, and say so more clearly.
            return null;
        }
    }

    /**
     * Why {@code name} is not a valid Linux interface name, or null when it is. Follows
     * {@code dev_valid_name()} in net/core/dev.c: 1..IFNAMSIZ-1 bytes, not "." or "..", no '/',
     * ':' or whitespace; control characters (a NUL would cut the C string) are refused too.
     */
    static String interfaceNameProblem(String name) {
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes == 0) {
            return "a non-empty interface name";
        }
        if (bytes >= IFNAMSIZ) {
            return "an interface name of at most " + (IFNAMSIZ - 1) + " bytes (Linux IFNAMSIZ)";
        }
        if (name.equals(".") || name.equals("..")) {
            return "an interface name other than \".\" and \"..\"";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == ':' || Character.isWhitespace(c) || Character.isISOControl(c)) {
                return "an interface name without '/', ':', whitespace or control characters";
            }
        }
        return null;
    }

    /**
     * Parses an IPv4 or IPv6 literal without any name lookup (Guava's parser never touches DNS),
     * or returns null. Zone ids ({@code fe80::1%eth0}) are refused: a protected or listen address
     * is a plain address.
     */
    static InetAddress address(String text) {
        if (text.indexOf('%') >= 0 || !InetAddresses.isInetAddress(text)) {
            return null;
        }
        return InetAddresses.forString(text);
    }

    /** The canonical text of an address: dotted quad, or RFC 5952 IPv6. */
    static String canonical(InetAddress address) {
        return InetAddresses.toAddrString(address);
    }

    /** The high 64 bits of the address as IPv6 (IPv4 mapped into ::ffff:0:0/96: zero). */
    static long high(InetAddress address) {
        byte[] b = address.getAddress();
        return b.length == 4 ? 0L : bigEndian(b, 0);
    }

    /** The low 64 bits of the address as IPv6 (IPv4: {@code 0x0000FFFF_00000000L | ipv4}). */
    static long low(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return 0x0000FFFF_00000000L | (bigEndian(b, 0) >>> 32);
        }
        return bigEndian(b, 8);
    }

    /** Up to 8 bytes from {@code off}, big-endian, left-aligned in the long. */
    private static long bigEndian(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            int at = off + i;
            v = (v << 8) | (at < b.length ? (b[at] & 0xFFL) : 0L);
        }
        return v;
    }

    /** A parsed {@code HOST:PORT} or {@code [IPv6]:PORT}; host canonical, without brackets. */
    record HostPort(String host, int port) {}

    /** Parses a listen address, or returns null; the host must be an IP literal. */
    static HostPort hostPort(String text) {
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
                return null;
            }
            host = text.substring(1, close);
            if (host.indexOf(':') < 0) {
                return null; // brackets are for IPv6 only
            }
            port = text.substring(close + 2);
        } else {
            int colon = text.lastIndexOf(':');
            if (colon < 0 || text.indexOf(':') != colon) {
                return null; // none, or a bare IPv6 address: ambiguous without brackets
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
        }
        InetAddress address = address(host);
        boolean digits = !port.isEmpty() && port.length() <= 5 && port.chars().allMatch(c -> c >= '0' && c <= '9');
        if (address == null || !digits) {
            return null;
        }
        int p = Integer.parseInt(port);
        if (p < 1 || p > 65535) {
            return null;
        }
        return new HostPort(canonical(address), p);
    }
}
