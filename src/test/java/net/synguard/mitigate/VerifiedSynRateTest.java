package net.synguard.mitigate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VerifiedSynRateTest {
    private static final long T0 = 1_700_000_000_000_000_000L;
    private static final long SECOND = VerifiedSynRate.TICK_NS * VerifiedSynRate.TICKS;

    @Test
    void theFirstSynOverTheLimitInAWindowIsReportedOnce() {
        VerifiedSynRate rate = new VerifiedSynRate(1024, 10, 1);
        for (int i = 0; i < 10; i++) {
            assertThat(rate.overLimit(0, 7, T0 + i)).isZero();
        }
        assertThat(rate.overLimit(0, 7, T0 + 10)).isEqualTo(11);
        assertThat(rate.overLimit(0, 7, T0 + 11)).as("once per window").isZero();
    }

    /** A steady rate just under the limit, spread over each second, is never reported. */
    @Test
    void aSteadyRateUnderTheLimitIsNeverReported() {
        VerifiedSynRate rate = new VerifiedSynRate(1024, 10, 1);
        for (int i = 0; i < 9 * 20; i++) {
            assertThat(rate.overLimit(0, 7, T0 + i * SECOND / 9))
                    .as("SYN %d", i)
                    .isZero();
        }
    }

    /**
     * A flood at 700/s that starts half-way through the window its source opened earlier is seen
     * at about the limit (500), not at up to twice it as with fixed windows (the lab's 897).
     */
    @Test
    void aFloodStartingLateInAWindowIsCaughtAtTheLimit() {
        VerifiedSynRate rate = new VerifiedSynRate(1024, 500, 1);
        assertThat(rate.overLimit(0, 7, T0)).isZero(); // the client's own connection
        int syns = 0;
        long reported = 0;
        for (int i = 0; reported == 0 && i < 5000; i++) {
            syns++;
            reported = rate.overLimit(0, 7, T0 + SECOND / 2 + i * SECOND / 700);
        }
        assertThat(reported).isEqualTo(501);
        // The client's SYN is more than a second old by then: 501 flood SYNs, all within 0.72 s.
        assertThat(syns).isEqualTo(501);
    }

    /** SYNs older than a second stop counting, 100 ms at a time. */
    @Test
    void synsOlderThanASecondStopCounting() {
        VerifiedSynRate rate = new VerifiedSynRate(1024, 100, 1);
        for (int i = 0; i < 100; i++) {
            assertThat(rate.overLimit(0, 7, T0 + i)).isZero(); // 100 in the first tick
        }
        // One second later the first tick is gone: another 100 are within the limit.
        for (int i = 0; i < 100; i++) {
            assertThat(rate.overLimit(0, 7, T0 + SECOND + i)).isZero();
        }
        assertThat(rate.overLimit(0, 7, T0 + SECOND + 100)).isEqualTo(101);
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

    /** Every verified SYN goes through it: nothing allocated, also for new and evicted sources. */
    @Test
    void countingAllocatesNothing() {
        VerifiedSynRate rate = new VerifiedSynRate(1024, 500, 1);
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (int i = 0; i < 200_000; i++) { // warm-up: let the JIT compile it
            sum += rate.overLimit(0, i & 4095, T0 + i * 1_000L);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 400_000; i++) {
            sum += rate.overLimit(0, i & 8191, T0 + SECOND + i * 1_000L);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(sum).isNotNegative();
        assertThat(allocated).as("bytes allocated counting 400,000 SYNs").isLessThan(4096);
    }
}
