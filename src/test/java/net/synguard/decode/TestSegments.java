package net.synguard.decode;

/**
 * Builds {@link TcpSegment}s for tests outside the decoder, which cannot set its package-private
 * fields. {@link #set} refills a segment in place so allocation tests and benchmarks can reuse one.
 */
public final class TestSegments {
    private TestSegments() {}

    /** The low word of the IPv4-mapped form of {@code a.b.c.d}; the high word is 0. */
    public static long ipv4(int a, int b, int c, int d) {
        return ipv4(a << 24 | b << 16 | c << 8 | d);
    }

    /** The low word of the IPv4-mapped form of a raw 32-bit IPv4 address; the high word is 0. */
    public static long ipv4(int address) {
        return TcpSegment.IPV4_MAPPED_MARK | (address & 0xFFFF_FFFFL);
    }

    public static TcpSegment segment(
            long srcHi, long srcLo, int srcPort, long dstHi, long dstLo, int dstPort, int flags, int seq, int ack) {
        return set(new TcpSegment(), srcHi, srcLo, srcPort, dstHi, dstLo, dstPort, flags, seq, ack);
    }

    /** Clears {@code s} and fills in addresses, ports, flags and numbers; returns {@code s}. */
    public static TcpSegment set(
            TcpSegment s,
            long srcHi,
            long srcLo,
            int srcPort,
            long dstHi,
            long dstLo,
            int dstPort,
            int flags,
            int seq,
            int ack) {
        s.reset();
        s.ipVersion = srcHi == 0 && (srcLo >>> 32) == 0xFFFF ? 4 : 6;
        s.srcHi = srcHi;
        s.srcLo = srcLo;
        s.srcPort = srcPort;
        s.dstHi = dstHi;
        s.dstLo = dstLo;
        s.dstPort = dstPort;
        s.flags = flags;
        s.seq = seq;
        s.ack = ack;
        s.ttl = 64;
        s.headerLength = 20;
        return s;
    }
}
