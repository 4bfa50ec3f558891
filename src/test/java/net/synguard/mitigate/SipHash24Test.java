package net.synguard.mitigate;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.hash.Hashing;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** SipHash-2-4 against the paper's test vector and Guava's implementation as the reference. */
class SipHash24Test {

    @Test
    void paperVector() {
        // Appendix A: key 00 01 .. 0f, message 00 01 .. 0e, result a129ca6149be45e5.
        byte[] key = new byte[16];
        byte[] msg = new byte[15];
        for (int i = 0; i < 16; i++) {
            key[i] = (byte) i;
        }
        for (int i = 0; i < 15; i++) {
            msg[i] = (byte) i;
        }
        ByteBuffer k = ByteBuffer.wrap(key).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(SipHash24.hash(k.getLong(0), k.getLong(8), msg, 0, msg.length))
                .isEqualTo(0xa129ca6149be45e5L);
    }

    @Test
    void everyLengthUpTo64MatchesGuava() {
        SplittableRandom random = new SplittableRandom(7);
        byte[] buf = new byte[64 + 16];
        for (int len = 0; len <= 64; len++) {
            for (int trial = 0; trial < 50; trial++) {
                long k0 = random.nextLong();
                long k1 = random.nextLong();
                random.nextBytes(buf);
                int off = random.nextInt(16);
                long expected =
                        Hashing.sipHash24(k0, k1).hashBytes(buf, off, len).asLong();
                assertThat(SipHash24.hash(k0, k1, buf, off, len))
                        .as("length %d", len)
                        .isEqualTo(expected);
            }
        }
    }

    @Test
    void fixedShapeMatchesGuavaOver40LittleEndianBytes() {
        SplittableRandom random = new SplittableRandom(11);
        ByteBuffer bytes = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
        for (int trial = 0; trial < 10_000; trial++) {
            long k0 = random.nextLong();
            long k1 = random.nextLong();
            long[] m = new long[5];
            for (int i = 0; i < 5; i++) {
                m[i] = trial < 32 ? (trial & (1 << i)) == 0 ? 0 : -1L : random.nextLong();
                bytes.putLong(8 * i, m[i]);
            }
            long expected = Hashing.sipHash24(k0, k1).hashBytes(bytes.array()).asLong();
            assertThat(SipHash24.hash(k0, k1, m[0], m[1], m[2], m[3], m[4])).isEqualTo(expected);
            assertThat(SipHash24.hash(k0, k1, bytes.array(), 0, 40)).isEqualTo(expected);
        }
    }
}
