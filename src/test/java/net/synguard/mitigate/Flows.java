package net.synguard.mitigate;

/** Test flows: addresses in two longs as in the decoder, IPv4 mapped into ::ffff:0:0/96. */
record Flows(long cHi, long cLo, long sHi, long sLo, int cPort, int sPort) {
    static final long MAPPED = 0x0000_FFFF_0000_0000L;
    static final long PERIOD_NS = 60_000_000_000L;
    static final long ROTATION_NS = 10 * PERIOD_NS;
    /** Start of a counter period, in 2023; the counter's low byte is not 0, so wrapping is tested. */
    static final long T0 = Math.floorDiv(1_700_000_000_000_000_000L, PERIOD_NS) * PERIOD_NS;

    static final Flows V4 = new Flows(0, MAPPED | 0xC000_0201L, 0, MAPPED | 0xC633_640AL, 40_000, 443);
    static final Flows V6 =
            new Flows(0x2001_0DB8_0000_0001L, 0x0000_0000_0000_1234L, 0x2001_0DB8_0000_0002L, 0x80, 61_000, 80);

    int encode(CookieCodec codec, int isn, int mss, long nowNs) {
        return codec.encode(cHi, cLo, sHi, sLo, cPort, sPort, isn, mss, nowNs);
    }

    int check(CookieCodec codec, int cookie, int isn, long nowNs) {
        return codec.decodeMssIndex(cHi, cLo, sHi, sLo, cPort, sPort, cookie, isn, nowNs);
    }

    /**
     * The same flow with one bit changed: bits 0..127 the client address, 128..255 the server
     * address, 256..271 the client port, 272..287 the server port.
     */
    Flows flip(int bit) {
        if (bit < 64) {
            return new Flows(cHi, cLo ^ (1L << bit), sHi, sLo, cPort, sPort);
        } else if (bit < 128) {
            return new Flows(cHi ^ (1L << (bit - 64)), cLo, sHi, sLo, cPort, sPort);
        } else if (bit < 192) {
            return new Flows(cHi, cLo, sHi, sLo ^ (1L << (bit - 128)), cPort, sPort);
        } else if (bit < 256) {
            return new Flows(cHi, cLo, sHi ^ (1L << (bit - 192)), sLo, cPort, sPort);
        } else if (bit < 272) {
            return new Flows(cHi, cLo, sHi, sLo, cPort ^ (1 << (bit - 256)), sPort);
        } else {
            return new Flows(cHi, cLo, sHi, sLo, cPort, sPort ^ (1 << (bit - 272)));
        }
    }

    static final int FLOW_BITS = 288;
}
