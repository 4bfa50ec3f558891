package net.synguard.mitigate;

/**
 * SipHash-2-4: J.-P. Aumasson and D. J. Bernstein, "SipHash: a fast short-input PRF", INDOCRYPT
 * 2012. A 128-bit key {@code (k0, k1)}, the message in little-endian 64-bit words, two SipRounds per
 * word, a last word holding the remaining bytes and the length mod 256 in its top byte, four
 * finalisation rounds.
 *
 * <p>Keys are the two little-endian halves of the paper's 16-byte key, so
 * {@code hash(k0, k1, ...)} equals Guava's {@code Hashing.sipHash24(k0, k1)} over the same bytes.
 *
 * <p>The cookie codec hashes one fixed shape, five words (40 bytes), with no array and no
 * allocation; the byte-array form is the general algorithm, for tests and anything off the hot path.
 */
final class SipHash24 {
    // "somepseudorandomlygeneratedbytes" (paper, section 2.2).
    private static final long C0 = 0x736f6d6570736575L;
    private static final long C1 = 0x646f72616e646f6dL;
    private static final long C2 = 0x6c7967656e657261L;
    private static final long C3 = 0x7465646279746573L;

    /** Length word of a 40-byte message: no bytes left over, 40 in the top byte. */
    private static final long LENGTH_40 = 40L << 56;

    private SipHash24() {}

    /** SipHash-2-4 of the 40 bytes {@code m0..m4}, each little-endian. */
    static long hash(long k0, long k1, long m0, long m1, long m2, long m3, long m4) {
        long v0 = k0 ^ C0;
        long v1 = k1 ^ C1;
        long v2 = k0 ^ C2;
        long v3 = k1 ^ C3;
        // Blocks 0..4 are the words, block 5 the length word; block 6 is finalisation (v2 ^= 0xff,
        // four rounds). C2 unrolls this loop.
        for (int block = 0; block < 7; block++) {
            long m = switch (block) {
                case 0 -> m0;
                case 1 -> m1;
                case 2 -> m2;
                case 3 -> m3;
                case 4 -> m4;
                default -> LENGTH_40;
            };
            int rounds;
            if (block < 6) {
                v3 ^= m;
                rounds = 2;
            } else {
                v2 ^= 0xff;
                rounds = 4;
            }
            for (int r = 0; r < rounds; r++) {
                // SipRound (paper, figure 2.1).
                v0 += v1;
                v1 = Long.rotateLeft(v1, 13);
                v1 ^= v0;
                v0 = Long.rotateLeft(v0, 32);
                v2 += v3;
                v3 = Long.rotateLeft(v3, 16);
                v3 ^= v2;
                v0 += v3;
                v3 = Long.rotateLeft(v3, 21);
                v3 ^= v0;
                v2 += v1;
                v1 = Long.rotateLeft(v1, 17);
                v1 ^= v2;
                v2 = Long.rotateLeft(v2, 32);
            }
            if (block < 6) {
                v0 ^= m;
            }
        }
        return v0 ^ v1 ^ v2 ^ v3;
    }

    /** SipHash-2-4 of {@code data[off, off + len)}. */
    static long hash(long k0, long k1, byte[] data, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, data.length);
        long v0 = k0 ^ C0;
        long v1 = k1 ^ C1;
        long v2 = k0 ^ C2;
        long v3 = k1 ^ C3;
        int words = len >>> 3;
        // One pass per block: the full words, then the last word (tail bytes and length), then
        // finalisation.
        for (int block = 0; block <= words + 1; block++) {
            long m;
            int rounds;
            if (block < words) {
                m = littleEndian(data, off + 8 * block, 8);
            } else if (block == words) {
                m = littleEndian(data, off + 8 * words, len & 7) | ((long) len << 56);
            } else {
                m = 0;
            }
            if (block <= words) {
                v3 ^= m;
                rounds = 2;
            } else {
                v2 ^= 0xff;
                rounds = 4;
            }
            for (int r = 0; r < rounds; r++) {
                v0 += v1;
                v1 = Long.rotateLeft(v1, 13);
                v1 ^= v0;
                v0 = Long.rotateLeft(v0, 32);
                v2 += v3;
                v3 = Long.rotateLeft(v3, 16);
                v3 ^= v2;
                v0 += v3;
                v3 = Long.rotateLeft(v3, 21);
                v3 ^= v0;
                v2 += v1;
                v1 = Long.rotateLeft(v1, 17);
                v1 ^= v2;
                v2 = Long.rotateLeft(v2, 32);
            }
            if (block <= words) {
                v0 ^= m;
            }
        }
        return v0 ^ v1 ^ v2 ^ v3;
    }

    private static long littleEndian(byte[] data, int at, int n) {
        long w = 0;
        for (int i = n - 1; i >= 0; i--) {
            w = (w << 8) | (data[at + i] & 0xFF);
        }
        return w;
    }
}
