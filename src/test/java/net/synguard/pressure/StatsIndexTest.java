package net.synguard.pressure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The index against a HashMap model: random puts, removals (also of stats a newer put replaced)
 * and lookups over a few dozen addresses in a 16-slot table, so that runs collide, wrap around the
 * end and get shifted back by deletions.
 */
class StatsIndexTest {
    private static final int KEYS = 40;
    private static final long WINDOW = 1_000_000_000L;

    @Test
    void behavesLikeAMapOfItsLiveStats() {
        qt().withExamples(400)
                .forAll(lists().of(integers().between(0, 3 * KEYS - 1)).ofSizeBetween(1, 300))
                .checkAssert(StatsIndexTest::run);
    }

    private static void run(List<Integer> ops) {
        StatsIndex index = new StatsIndex(8);
        assertThat(index.capacity()).isEqualTo(16);
        Map<Integer, SourceStats> model = new HashMap<>();
        Map<Integer, SourceStats> replaced = new HashMap<>();
        for (int op : ops) {
            int key = op % KEYS;
            long hi = key % 3 == 0 ? 0x2001_0DB8_0000_0000L : 0;
            long lo = 0xC612_0000L + key;
            switch (op / KEYS) {
                case 0 -> {
                    // Stay under the load at which the owner would have its cache evict.
                    if (model.size() < 12 || model.containsKey(key)) {
                        SourceStats s = new SourceStats(hi, lo, WINDOW, 0);
                        SourceStats old = model.put(key, s);
                        if (old != null) {
                            replaced.put(key, old);
                        }
                        index.put(s);
                    }
                }
                case 1 -> {
                    // A late removal notice for replaced stats must not remove the newer ones.
                    SourceStats old = replaced.remove(key);
                    if (old != null) {
                        index.remove(old);
                    }
                    SourceStats s = model.remove(key);
                    if (s != null) {
                        index.remove(s);
                        index.remove(s); // a second notice finds nothing
                    }
                }
                default -> assertThat(index.get(hi, lo)).isSameAs(model.get(key));
            }
            assertThat(index.size()).isEqualTo(model.size());
        }
        for (int key = 0; key < KEYS; key++) {
            long hi = key % 3 == 0 ? 0x2001_0DB8_0000_0000L : 0;
            assertThat(index.get(hi, 0xC612_0000L + key)).isSameAs(model.get(key));
        }
    }

    @Test
    void crowdedAboveThreeQuarters() {
        StatsIndex index = new StatsIndex(8);
        for (int i = 0; i < 12; i++) {
            index.put(new SourceStats(0, i, WINDOW, 0));
        }
        assertThat(index.crowded()).isFalse();
        index.put(new SourceStats(0, 12, WINDOW, 0));
        assertThat(index.crowded()).isTrue();
    }

    @Test
    void growsUpToTwiceTheCacheBoundKeepingEveryEntry() {
        StatsIndex index = new StatsIndex(3000);
        assertThat(index.capacity()).isEqualTo(1024);
        SourceStats[] all = new SourceStats[4000];
        for (int i = 0; i < all.length; i++) {
            all[i] = new SourceStats(i % 2 == 0 ? 0x2001_0DB8_0000_0000L : 0, i, WINDOW, 0);
            index.put(all[i]);
        }
        // 8192 = twice 3000, rounded up to a power of two: no growth past it.
        assertThat(index.capacity()).isEqualTo(8192);
        assertThat(index.size()).isEqualTo(4000);
        for (int i = 0; i < all.length; i += 2) {
            index.remove(all[i]);
        }
        for (int i = 0; i < all.length; i++) {
            assertThat(index.get(all[i].hi, all[i].lo)).isSameAs(i % 2 == 0 ? null : all[i]);
        }
        assertThat(index.size()).isEqualTo(2000);
    }
}
