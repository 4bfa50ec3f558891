package net.synguard.mitigate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChallengeTableTest {
    private static final long MAPPED = 0x0000_FFFF_0000_0000L;
    private static final long T0 = 1_000_000_000_000L;

    @Test
    void aSourceIsQuietAfterItsLimitOfUnansweredChallengesUntilTheBackoffEnds() {
        ChallengeTable t = new ChallengeTable(1024);
        long src = MAPPED | 0xC613_0102L;
        for (int i = 0; i < 3; i++) {
            int s = t.slot(0, src, T0 + i);
            assertThat(t.quiet(s, T0 + i)).isFalse();
            t.challenged(s, T0 + i, true, 3, 1_000_000_000L);
        }
        int s = t.slot(0, src, T0 + 10);
        assertThat(t.quiet(s, T0 + 10)).isTrue();
        assertThat(t.quiet(t.slot(0, src, T0 + 1_000_000_003L), T0 + 1_000_000_003L))
                .isFalse();
    }

    @Test
    void anAnswerForgetsTheChallenges() {
        ChallengeTable t = new ChallengeTable(1024);
        long src = MAPPED | 0xC612_0003L;
        int s = t.slot(0, src, T0);
        t.challenged(s, T0, true, 2, 1_000_000_000L);
        assertThat(t.retryIgnored(t.slot(0, src, T0 + 1), T0 + 1, 3_000_000_000L))
                .isTrue();
        t.answered(0, src);
        s = t.slot(0, src, T0 + 2);
        assertThat(t.retryIgnored(s, T0 + 2, 3_000_000_000L)).isFalse();
        t.challenged(s, T0 + 2, true, 2, 1_000_000_000L);
        assertThat(t.quiet(s, T0 + 3))
                .as("one unanswered after the answer: not yet quiet")
                .isFalse();
    }

    @Test
    void aFloodCyclingThroughASlash16IsRememberedWholeByATableFourTimesItsSize() {
        // The lab's flood: 65,536 sources over and over. Every source must reach its back-off; in
        // a direct-mapped table a fifth of them shared slots and were answered forever.
        ChallengeTable t = new ChallengeTable(262_144);
        long now = T0;
        int quiet = 0;
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < 65_536; i++) {
                long src = MAPPED | 0xC613_0000L | i;
                int s = t.slot(0, src, ++now);
                if (t.quiet(s, now)) {
                    quiet++;
                } else {
                    t.challenged(s, now, true, 4, 30_000_000_000L);
                }
            }
        }
        assertThat(quiet).as("the fifth round is all quiet").isGreaterThanOrEqualTo(65_536 * 99 / 100);
        assertThat(t.takeovers()).isLessThan(65_536 / 100);
    }
}
