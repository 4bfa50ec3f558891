package net.synguard.pipeline;

import java.time.Duration;
import net.synguard.alert.EventContext;
import net.synguard.capture.LinkType;
import net.synguard.config.PressureConfig;
import net.synguard.config.ProtectedService;
import net.synguard.config.SynguardConfig;
import net.synguard.config.TrackConfig;
import net.synguard.decode.TcpSegment;
import net.synguard.mitigate.Mitigation;
import net.synguard.time.WallClock;

/**
 * Runs a throwaway copy of the data path over a synthetic spoofed flood before the daemon starts
 * capturing, so that the JIT has compiled the hot path when the first real frame comes. Why: a
 * daemon started cold while a flood is already on (a restart, a crash, a fresh install during an
 * attack) processed about 40k frames/s for its first three seconds in the lab, interpreting and
 * compiling while the flood filled its capture ring, and answered real clients a second late.
 *
 * <p>The copy shares nothing with the daemon: its own pipeline with small tables, a {@link
 * Mitigation#detached detached} mitigation (in-memory keys, no nft, no events, no kernel changes)
 * whose answers go nowhere, and no alert sink. The frames are Ethernet/IPv4/TCP, built here:
 *
 * <pre>
 *   SYN from 198.19.a.b:port to the first protected address and port (192.0.2.1:80 without one)
 *   every 8th flow also completes: SYN-ACK from the server, then the client's ACK
 *   every 16th source answers our challenge with an RST, every 32nd ACKs a cookie
 * </pre>
 */
public final class JitWarmUp {
    private static final int FRAME_LENGTH = 14 + 20 + 20;
    private static final int SMALL = 16_384;

    private JitWarmUp() {}

    /**
     * Feeds the copy for about {@code budget} (wall time) or {@code maxFrames}, whichever ends
     * first; returns the frames fed.
     */
    public static long run(SynguardConfig cfg, Duration budget, long maxFrames) {
        SynguardConfig small = shrink(cfg);
        long hi = 0;
        long lo = 0x0000_FFFF_C000_0201L; // 192.0.2.1
        int port = 80;
        if (!cfg.protect().isEmpty()) {
            ProtectedService p = cfg.protect().get(0);
            hi = p.addressHi();
            lo = p.addressLo();
            port = p.ports().isEmpty() ? 80 : p.ports().get(0);
        }
        // IPv6 services warm up with an IPv4 copy of the path: the hot code is the same.
        if (!(hi == 0 && (lo >>> 32) == 0xFFFFL)) {
            hi = 0;
            lo = 0x0000_FFFF_C000_0201L;
        }
        Mitigation mitigation = Mitigation.detached(small, hi, lo);
        Pipeline p =
                new Pipeline(small, LinkType.ETHERNET, (e, j, s) -> {}, EventContext.NONE, mitigation, (f, n) -> true);
        p.holdBack(Pipeline.PREFETCH_DEPTH); // as the daemon runs it
        byte[] frame = new byte[FRAME_LENGTH];
        int server = (int) lo;
        long deadline = WallClock.monotonicNs() + budget.toNanos();
        long ts = WallClock.nowNs();
        long fed = 0;
        for (int i = 0; fed < maxFrames; i++) {
            if ((i & 4095) == 0 && WallClock.monotonicNs() > deadline) {
                break;
            }
            int client = 0xC613_0000 | (i & 0xFFFF);
            int clientPort = 1024 + (i >>> 16 & 0x3FFF) + (i & 7);
            int isn = i * 0x9E37_79B9;
            write(frame, client, server, clientPort, port, isn, 0, TcpSegment.SYN);
            p.onFrame(frame, FRAME_LENGTH, ts += 2_000);
            fed++;
            if ((i & 7) == 0) {
                write(frame, server, client, port, clientPort, ~isn, isn + 1, TcpSegment.SYN | TcpSegment.ACK);
                p.onFrame(frame, FRAME_LENGTH, ts += 2_000);
                write(frame, client, server, clientPort, port, isn + 1, ~isn + 1, TcpSegment.ACK);
                p.onFrame(frame, FRAME_LENGTH, ts += 2_000);
                fed += 2;
            }
            if ((i & 15) == 1) {
                write(frame, client, server, clientPort, port, isn ^ 0x5A5A, 0, TcpSegment.RST);
                p.onFrame(frame, FRAME_LENGTH, ts += 2_000);
                fed++;
            }
            if ((i & 63) == 3) {
                p.onDrained();
            }
            if ((i & 31) == 2) {
                write(frame, client, server, clientPort, port, isn + 1, isn ^ 0x1234, TcpSegment.ACK);
                p.onFrame(frame, FRAME_LENGTH, ts += 2_000);
                fed++;
            }
        }
        p.finish();
        return fed;
    }

    /** The same settings with small tables: the code paths are the same, the memory is not. */
    private static SynguardConfig shrink(SynguardConfig c) {
        TrackConfig t = c.track();
        PressureConfig pr = c.pressure();
        var m = c.mitigation();
        return new SynguardConfig(
                c.interfaces(),
                c.protect(),
                c.capture(),
                new TrackConfig(SMALL, t.synackRetries(), t.initialRto()),
                new PressureConfig(
                        SMALL,
                        SMALL,
                        Math.min(pr.destinations(), 64),
                        pr.idle(),
                        pr.ipv4PrefixLength(),
                        pr.ipv6PrefixLength()),
                c.detect(),
                new net.synguard.config.MitigationConfig(
                        m.mode(),
                        m.handoff(),
                        m.engine(),
                        m.verifiedTimeout(),
                        m.maxSynAckRate(),
                        m.prefixSynAckRate(),
                        m.unansweredLimit(),
                        m.unansweredBackoff(),
                        SMALL,
                        false,
                        m.cookieKeyRotation(),
                        m.block(),
                        m.nftCommand(),
                        m.kernel()),
                c.alerts(),
                c.metrics(),
                c.stateDir(),
                c.origin());
    }

    /** An Ethernet/IPv4/TCP header, no options, no payload (checksums are not read by the decoder). */
    private static void write(byte[] f, int src, int dst, int sport, int dport, int seq, int ack, int flags) {
        // Ethernet: unicast MACs (locally administered), EtherType IPv4.
        f[0] = 0x02;
        f[5] = 0x01;
        f[6] = 0x02;
        f[11] = 0x02;
        f[12] = 0x08;
        f[13] = 0x00;
        f[14] = 0x45;
        f[16] = 0;
        f[17] = 40;
        f[22] = 64;
        f[23] = 6;
        put32(f, 26, src);
        put32(f, 30, dst);
        f[34] = (byte) (sport >>> 8);
        f[35] = (byte) sport;
        f[36] = (byte) (dport >>> 8);
        f[37] = (byte) dport;
        put32(f, 38, seq);
        put32(f, 42, ack);
        f[46] = 0x50;
        f[47] = (byte) flags;
        f[48] = (byte) 0xFA;
        f[49] = (byte) 0xF0;
    }

    private static void put32(byte[] f, int at, int v) {
        f[at] = (byte) (v >>> 24);
        f[at + 1] = (byte) (v >>> 16);
        f[at + 2] = (byte) (v >>> 8);
        f[at + 3] = (byte) v;
    }
}
