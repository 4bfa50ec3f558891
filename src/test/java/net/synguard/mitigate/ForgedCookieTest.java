package net.synguard.mitigate;

import static net.synguard.mitigate.CookieCodec.INVALID;
import static net.synguard.mitigate.Flows.PERIOD_NS;
import static net.synguard.mitigate.Flows.ROTATION_NS;
import static net.synguard.mitigate.Flows.T0;
import static net.synguard.mitigate.Flows.V4;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * How often a blind guess passes (CookieCodec, "Forgery odds"): 8 of the 2^32 values pass for a
 * given flow, ISN and time, 2^-29 per guess.
 */
class ForgedCookieTest {
    private static final int GUESSES = 10_000_000;
    private static final int ISN = 0x1234_5678;

    /**
     * 10^7 guesses expect 10^7 / 2^29 = 0.0186 passes. Poisson(0.0186): P(N >= 4) = 5e-9, so "at most
     * 3" fails for a correct codec about once in 200 million runs, and catches any layout that
     * accepts 2^-21 or more of the space (expected 4.8+).
     */
    @Test
    void randomGuessesAlmostNeverPass() {
        CookieCodec codec = new CookieCodec(CookieKeys.ephemeral(PERIOD_NS, ROTATION_NS));
        assertThat(countPasses(codec, T0 + PERIOD_NS / 2, new SplittableRandom(1)))
                .isLessThanOrEqualTo(3);
    }

    /** The same during a rotation's overlap, when each generation owns one of the two valid counters. */
    @Test
    void randomGuessesAlmostNeverPassAcrossARotation() {
        CookieKeys keys = CookieKeys.ephemeral(PERIOD_NS, ROTATION_NS);
        keys.maybeRotate(T0);
        assertThat(keys.maybeRotate(T0 + ROTATION_NS)).isTrue();
        long overlap = keys.ring().switchAtNs() + 1; // now: new key; now - 1: old key
        assertThat(countPasses(new CookieCodec(keys), overlap, new SplittableRandom(2)))
                .isLessThanOrEqualTo(3);
    }

    /**
     * The exact count behind the rate, with the counter byte fixed: of the 2^24 cookies that carry
     * a given counter, exactly 4 pass (one per MSS index) when the counter is current or one period
     * old, and none for any other counter. 2 counters x 4 = 8 of 2^32.
     */
    @Test
    void exactlyFourOfTheTwoTo24CookiesOfAValidCounterPass() {
        CookieKeys keys = CookieKeys.ephemeral(PERIOD_NS, ROTATION_NS);
        CookieCodec codec = new CookieCodec(keys);
        long now = T0 + 3 * PERIOD_NS;
        long counter = now / PERIOD_NS;
        int base = CookieCodec.flowHash(
                        keys.ring().current(), V4.cHi(), V4.cLo(), V4.sHi(), V4.sLo(), V4.cPort(), V4.sPort(), ISN)
                + ISN;
        long[] counters = {counter, counter - 1, counter - 2, counter + 1};
        int[] expectedPasses = {4, 4, 0, 0};
        for (int c = 0; c < counters.length; c++) {
            int top = (int) counters[c] << 24;
            int passes = 0;
            int seen = 0;
            for (int low = 0; low < 1 << 24; low++) {
                int index = V4.check(codec, base + top + low, ISN, now);
                if (index != INVALID) {
                    passes++;
                    seen |= 1 << index;
                }
            }
            assertThat(passes).as("counter age %d", counter - counters[c]).isEqualTo(expectedPasses[c]);
            assertThat(seen).isEqualTo(expectedPasses[c] == 4 ? 0b1111 : 0);
        }
    }

    private static int countPasses(CookieCodec codec, long nowNs, SplittableRandom random) {
        int passes = 0;
        for (int i = 0; i < GUESSES; i++) {
            if (V4.check(codec, random.nextInt(), ISN, nowNs) != INVALID) {
                passes++;
            }
        }
        return passes;
    }
}
