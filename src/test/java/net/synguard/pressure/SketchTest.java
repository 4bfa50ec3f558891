package net.synguard.pressure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SketchTest {
    private static final long SEC = 1_000_000_000L;

    @Test
    void slidingRateCountsTheTrailingWindow() {
        SlidingRate r = new SlidingRate(SEC);
        long t0 = 100 * SEC;
        for (int i = 0; i < 1000; i++) {
            r.add(t0 + i * 1_000_000L, 1); // 1000 events over [100 s, 101 s)
        }
        assertThat(r.count(t0 + SEC - 1)).isEqualTo(1000.0);
        // Half-way through the next window, half of the previous one still overlaps.
        assertThat(r.count(t0 + SEC + SEC / 2)).isCloseTo(500.0, org.assertj.core.data.Offset.offset(1.0));
        assertThat(r.perSecond(t0 + 3 * SEC)).isZero();
    }

    @Test
    void slidingRateIgnoresOlderBuckets() {
        SlidingRate r = new SlidingRate(SEC);
        r.add(10 * SEC, 5);
        r.add(9 * SEC, 7); // out of order: kept in the current bucket, nothing rewound
        assertThat(r.count(10 * SEC)).isEqualTo(12.0);
    }

    @Test
    void hyperLogLogEstimatesWithinAFewPerCent() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int n : new int[] {1, 10, 100, 1000, 37_623, 500_000}) {
            HyperLogLog h = new HyperLogLog(11);
            for (int i = 0; i < n; i++) {
                long v = rnd.nextLong();
                h.addHash(Mix.mix64(v));
                h.addHash(Mix.mix64(v)); // duplicates do not count
            }
            assertThat((double) h.estimate())
                    .as("n=%d", n)
                    .isCloseTo(n, org.assertj.core.data.Percentage.withPercentage(7));
        }
    }

    @Test
    void spaceSavingKeepsEveryHeavyHitter() {
        SpaceSaving s = new SpaceSaving(16);
        SplittableRandom rnd = new SplittableRandom(3);
        // Two heavy keys among 10,000 one-off keys, N about 13,750: each heavy key has more than
        // N/k = 860 occurrences (about 2,500 and 1,250), which Space-Saving guarantees to keep.
        for (int i = 0; i < 10_000; i++) {
            s.add(0, 1_000_000 + i, 1);
            if (rnd.nextInt(4) == 0) {
                s.add(0, 1, 1);
            }
            if (rnd.nextInt(8) == 0) {
                s.add(0, 2, 1);
            }
        }
        int[] ranked = s.ranked();
        assertThat(s.keyLo(ranked[0])).isEqualTo(1);
        assertThat(s.keyLo(ranked[1])).isEqualTo(2);
        // The guaranteed count (count - error) never exceeds the true count.
        assertThat(s.count(ranked[0]) - s.error(ranked[0])).isBetween(2000L, 3000L);
        assertThat(s.count(ranked[1]) - s.error(ranked[1])).isLessThanOrEqualTo(1500L);
    }

    @Test
    void firstSightAdmitsOnTheSecondSighting() {
        FirstSight f = new FirstSight(1024, 10 * SEC);
        assertThat(f.seenBefore(0, 42, SEC)).isFalse();
        assertThat(f.seenBefore(0, 42, 2 * SEC)).isTrue();
        // Promoted: it is forgotten here, so a third sighting starts over.
        assertThat(f.seenBefore(0, 42, 3 * SEC)).isFalse();
        // Too late: a sighting after the idle time is a first one again.
        assertThat(f.seenBefore(0, 42, 20 * SEC)).isFalse();
    }

    @Test
    void firstSightIsBoundedAndCountsEvictions() {
        FirstSight f = new FirstSight(1024, 1000 * SEC);
        for (int i = 0; i < 100_000; i++) {
            f.seenBefore(0, i, i + 1);
        }
        assertThat(f.capacity()).isEqualTo(1024);
        assertThat(f.evictions()).isEqualTo(100_000 - 1024);
    }
}
