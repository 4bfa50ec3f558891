package net.synguard.bench;

import java.util.concurrent.TimeUnit;
import net.synguard.capture.LinkType;
import net.synguard.decode.DecodeCounters;
import net.synguard.decode.FrameDecoder;
import net.synguard.decode.TcpSegment;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Cost of decoding one frame on the capture thread. Run with {@code -prof gc}: the target is
 * 0 B/op for gc.alloc.rate.norm.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class DecodeBenchmark {
    private static final byte[] ETHERNET = hex("020000000001020000000002");
    private static final byte[] MAC_LINUX_SYN_OPTIONS = hex("020405b40402080a11223344000000000103030a");

    // Ethernet, IPv4, a Linux client's SYN with MSS, SACK-permitted, timestamps and window scale.
    private final byte[] ipv4Syn = concat(
            ETHERNET, hex("0800"), hex("4500003c4242400040060000c6336407c000020a"), tcpSyn(MAC_LINUX_SYN_OPTIONS));
    // Ethernet, IPv6 with a Destination Options header, the same SYN.
    private final byte[] ipv6ExtSyn = concat(
            ETHERNET,
            hex("86dd"),
            hex("6000000000303c40"),
            hex("20010db8000000000000000000000007"),
            hex("20010db800000000000000000000000a"),
            hex("0600010400000000"),
            tcpSyn(MAC_LINUX_SYN_OPTIONS));
    // Ethernet with an 802.1ad S-tag and an 802.1Q C-tag, IPv4, the same SYN.
    private final byte[] qinqSyn = concat(
            ETHERNET,
            hex("88a80064810000c80800"),
            hex("4500003c4242400040060000c6336407c000020a"),
            tcpSyn(MAC_LINUX_SYN_OPTIONS));

    private final FrameDecoder decoder = new FrameDecoder(LinkType.ETHERNET, new DecodeCounters());
    private final TcpSegment segment = new TcpSegment();

    @Benchmark
    public int ipv4Syn() {
        return decode(ipv4Syn);
    }

    @Benchmark
    public int ipv6SynWithExtensionHeader() {
        return decode(ipv6ExtSyn);
    }

    @Benchmark
    public int qinqSyn() {
        return decode(qinqSyn);
    }

    private int decode(byte[] frame) {
        if (!decoder.decode(frame, frame.length, segment)) {
            throw new IllegalStateException("benchmark frame did not decode");
        }
        return segment.srcPort() + segment.mss();
    }

    private static byte[] tcpSyn(byte[] options) {
        return concat(hex("9c4000501234567800000000a002faf000000000"), options);
    }

    private static byte[] hex(String text) {
        byte[] bytes = new byte[text.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) Integer.parseInt(text.substring(2 * i, 2 * i + 2), 16);
        }
        return bytes;
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] p : parts) {
            length += p.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
