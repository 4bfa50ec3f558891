package net.synguard.pressure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The hot path's index must answer exactly what the Caffeine cache would: a tier of 16 entries over
 * 64 addresses (its size bound evicts), time steps up to 4 s against an idle time of 10 s (entries
 * expire, some wait for the cache's maintenance), admissions and repeat sightings mixed; after
 * every step, every address is looked up both ways.
 */
class SourceTierIndexTest {
    private static final int KEYS = 64;
    private static final long IDLE = 10_000_000_000L;

    @Test
    void indexAgreesWithTheCache() {
        qt().withExamples(200)
                .forAll(lists().of(integers().between(0, 4 * KEYS - 1)).ofSizeBetween(1, 400))
                .checkAssert(SourceTierIndexTest::run);
    }

    private static void run(List<Integer> ops) {
        long[] now = {1_000_000_000L};
        SourceTier tier = new SourceTier(16, IDLE, 1_000_000_000L, () -> now[0]);
        for (int op : ops) {
            int key = op % KEYS;
            long hi = key % 4 == 0 ? 0x2001_0DB8_0000_0000L : 0;
            long lo = 0xC612_0000L + key;
            switch (op / KEYS) {
                case 0, 1 -> tier.sighted(hi, lo, now[0], false);
                case 2 -> tier.sighted(hi, lo, now[0], true);
                default -> now[0] += (op % 9) * 500_000_000L;
            }
            for (int k = 0; k < KEYS; k++) {
                long h = k % 4 == 0 ? 0x2001_0DB8_0000_0000L : 0;
                long l = 0xC612_0000L + k;
                SourceStats found = tier.indexed(h, l);
                assertThat(found)
                        .as("address %d at %d ns (touched %s)", k, now[0], found == null ? "-" : found.touchedNs)
                        .isSameAs(tier.held(h, l));
            }
        }
    }

    @Test
    void sightingsKeepAnEntryAliveAndSilenceLetsItGo() {
        long[] now = {1_000_000_000L};
        SourceTier tier = new SourceTier(16, IDLE, 1_000_000_000L, () -> now[0]);
        tier.sighted(0, 1, now[0], false);
        SourceStats s = tier.sighted(0, 2, now[0], true);
        // Sighted every second for three idle times: the touches keep it in the cache.
        for (int i = 0; i < 30; i++) {
            now[0] += 1_000_000_000L;
            assertThat(tier.sighted(0, 2, now[0], false)).isSameAs(s);
            tier.sighted(0, 3, now[0], false); // another address in between: no remembered shortcut
        }
        assertThat(tier.held(0, 2)).isSameAs(s);
        // Silent for the idle time: gone, from the index as from the cache.
        now[0] += IDLE;
        assertThat(tier.indexed(0, 2)).isNull();
        assertThat(tier.held(0, 2)).isNull();
        assertThat(tier.sighted(0, 2, now[0], false)).isNull();
    }
}
