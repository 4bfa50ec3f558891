package net.synguard.mitigate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VerifiedSynRateTest {
    private static final long T0 = 1_700_000_000_000_000_000L;
    private static final long SECOND = VerifiedSynRate.WINDOW_NS;

    @Test
    void theFirstSynOverTheLimitInAWindowIsReportedOnce() {
        VerifiedSynRate rate = new VerifiedSynRate(1024, 10, 1);
        for (int i = 0; i < 10; i++) {
            assertThat(rate.overLimit(0, 7, T0 + i)).isZero();
        }
        assertThat(rate.overLimit(0, 7, T0 + 10)).isEqualTo(11);
        assertThat(rate.overLimit(0, 7, T0 + 11)).as("once per window").isZero();
    }

    @Test
    void aNewWindowStartsTheCountAgain() {
        VerifiedSynRate rate = new VerifiedSynRate(1024, 10, 1);
        for (int w = 0; w < 5; w++) {
            for (int i = 0; i < 10; i++) {
                assertThat(rate.overLimit(0, 7, T0 + w * SECOND + i)).isZero();
            }
        }
    }

    @Test
    void forgettingASourceStartsItsCountAgain() {
        VerifiedSynRate rate = new VerifiedSynRate(1024, 3, 1);
        rate.overLimit(0, 7, T0);
        rate.overLimit(0, 7, T0 + 1);
        rate.forget(0, 7);
        assertThat(rate.overLimit(0, 7, T0 + 2)).isZero();
        assertThat(rate.overLimit(0, 7, T0 + 3)).isZero();
        assertThat(rate.overLimit(0, 7, T0 + 4)).isZero();
        assertThat(rate.overLimit(0, 7, T0 + 5)).isEqualTo(4);
    }

    /**
     * One bucket of four ways: a flooder interleaved with 1,000 light sources (one SYN each) that
     * all share its bucket keeps its way and is still caught at the limit.
     */
    @Test
    void lightSourcesInTheSameBucketCannotHideAFlood() {
        VerifiedSynRate rate = new VerifiedSynRate(4, 100, 1);
        long reported = 0;
        for (int i = 0; i < 101; i++) {
            reported = Math.max(reported, rate.overLimit(0, 0xC612_0009L, T0 + 2L * i));
            rate.overLimit(0, 0xC613_0000L + i, T0 + 2L * i + 1);
        }
        assertThat(reported).isEqualTo(101);
    }

    @Test
    void distinctSourcesAreCountedApart() {
        VerifiedSynRate rate = new VerifiedSynRate(16_384, 5, 1);
        for (int s = 0; s < 1000; s++) {
            for (int i = 0; i < 5; i++) {
                assertThat(rate.overLimit(0, s, T0 + i)).isZero();
            }
        }
    }
}
