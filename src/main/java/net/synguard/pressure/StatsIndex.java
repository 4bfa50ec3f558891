package net.synguard.pressure;

/**
 * The stats a {@link SourceTier}'s cache holds, found by address in a flat open-addressing table:
 * the hot path's way to its entries, while the Caffeine cache stays their owner (admission, size
 * bound, idle expiry, removal).
 *
 * <p>Why: a hit in the cache's hash map is a chain of dependent loads (table slot, map node, key,
 * cache node, value), and under a flood whose sources repeat (a botnet, or a spoofer cycling
 * through a /16) each is a cache miss: the per-source lookup was a third of the capture thread's
 * time at 100k SYN/s in the lab. Here a hit is the tag and value arrays at one index (two loads
 * that do not wait on each other) and then the stats object, which carries its own address.
 *
 * <pre>
 *   tags[i]    32 hash bits of the address (never 0; 0 = empty slot)
 *   values[i]  the SourceStats, whose hi/lo are the address
 *   linear probing from hash &amp; mask; deletion shifts the run back (no tombstones)
 * </pre>
 *
 * Kept in step with the cache by its owner: {@link #put} when the cache gets an entry, {@link
 * #remove} from the cache's removal listener (which runs on the capture thread: the caches execute
 * their maintenance there). The table doubles while it is half full, up to twice the cache's
 * maximum size, which keeps runs short; the cache can exceed its bound for a moment before its
 * maintenance evicts, so {@link #crowded} tells the owner when to make it catch up.
 * Single-threaded.
 */
final class StatsIndex {
    private static final int INITIAL = 1024;
    private final int maxCapacity;
    private int[] tags;
    private SourceStats[] values;
    private int mask;
    private int size;

    StatsIndex(int maxEntries) {
        this.maxCapacity = Integer.highestOneBit(Math.max(8, maxEntries) * 2 - 1) << 1;
        allocate(Math.min(INITIAL, maxCapacity));
    }

    private void allocate(int n) {
        this.tags = new int[n];
        this.values = new SourceStats[n];
        this.mask = n - 1;
    }

    /** The stats for the address, or null. */
    SourceStats get(long hi, long lo) {
        long h = Mix.hash(hi, lo);
        int tag = tag(h);
        for (int i = (int) h & mask; ; i = (i + 1) & mask) {
            int t = tags[i];
            if (t == 0) {
                return null;
            }
            if (t == tag) {
                SourceStats s = values[i];
                if (s.hi == hi && s.lo == lo) {
                    return s;
                }
            }
        }
    }

    /**
     * Reads the home slot of the address whose {@link Mix#hash} is {@code h} (its tag and value
     * lines); returns a value built from them.
     */
    long touch(long h) {
        int i = (int) h & mask;
        return tags[i] + (values[i] == null ? 0 : 1);
    }

    /** Adds the stats under their address, replacing stats held for the same address. */
    void put(SourceStats s) {
        if (size >= (mask + 1) >>> 1 && mask + 1 < maxCapacity) {
            grow();
        }
        long h = Mix.hash(s.hi, s.lo);
        int tag = tag(h);
        for (int i = (int) h & mask; ; i = (i + 1) & mask) {
            int t = tags[i];
            if (t == 0) {
                tags[i] = tag;
                values[i] = s;
                size++;
                return;
            }
            if (t == tag && values[i].hi == s.hi && values[i].lo == s.lo) {
                values[i] = s;
                return;
            }
        }
    }

    /**
     * Removes exactly these stats (by identity): a removal notice for stats that a newer entry of
     * the same address has already replaced here leaves the newer one alone.
     */
    void remove(SourceStats s) {
        long h = Mix.hash(s.hi, s.lo);
        int i = (int) h & mask;
        while (values[i] != s) {
            if (tags[i] == 0) {
                return;
            }
            i = (i + 1) & mask;
        }
        size--;
        // Backward-shift deletion: pull later members of the run into the hole when their home
        // slot does not lie strictly between the hole and themselves (cyclically).
        int hole = i;
        for (int j = (hole + 1) & mask; tags[j] != 0; j = (j + 1) & mask) {
            int home = (int) Mix.hash(values[j].hi, values[j].lo) & mask;
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                tags[hole] = tags[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        tags[hole] = 0;
        values[hole] = null;
    }

    /**
     * Doubles the table. Why it grows instead of starting at its largest: a table sized for the
     * cache's bound (4 MB at the default 262,144 sources) spreads a few thousand entries over
     * lines that nothing else keeps warm, while the cache's own map is sized by what it holds.
     * Growth allocates, on the capture thread, only while the cache itself grows: log2 steps.
     */
    private void grow() {
        int[] oldTags = tags;
        SourceStats[] oldValues = values;
        allocate((mask + 1) << 1);
        size = 0;
        for (int i = 0; i < oldTags.length; i++) {
            if (oldTags[i] != 0) {
                put(oldValues[i]);
            }
        }
    }

    /** More than three quarters full: the owner should let its cache evict down to its bound. */
    boolean crowded() {
        return size > (mask + 1) - ((mask + 1) >>> 2);
    }

    int size() {
        return size;
    }

    int capacity() {
        return mask + 1;
    }

    private static int tag(long h) {
        int t = (int) (h >>> 32);
        return t == 0 ? 1 : t;
    }
}
