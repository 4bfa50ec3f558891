package net.synguard.pressure;

/**
 * Remembers addresses seen once, in a fixed primitive table, so that a source earns a Caffeine entry
 * (a key, a value and a node: about 150 bytes and a hash-map insert) only when it shows up a second
 * time. Under a spoofed flood almost every source sends one SYN and is never heard from again; they
 * pass through here and cost nothing but a slot that the next one overwrites.
 *
 * <p>One long per slot, eight slots per bucket, so that a lookup touches a single 64-byte cache
 * line: under a flood this table is read at random for every SYN, and each extra line is a memory
 * stall.
 *
 * <pre>
 *  63                        24 23                    0
 * +----------------------------+-----------------------+
 * | fingerprint (40 hash bits) | seen at (seconds, mod 2^24) |
 * +----------------------------+-----------------------+
 * </pre>
 *
 * A fingerprint match stands for the address: two addresses share one with odds of about one in
 * 2^37 per lookup, and the cost of that is one spurious cache entry. The oldest slot of a full
 * bucket gives way to a newcomer, counted as an eviction. 0 marks an empty slot.
 */
public final class FirstSight {
    static final int WAYS = 8;
    private static final int TIME_BITS = 24;
    private static final long TIME_MASK = (1L << TIME_BITS) - 1;
    private static final long NS_PER_UNIT = 1_000_000_000L;

    /**
     * Where bucket 0 starts: a long[]'s elements begin 16 bytes into the object, and a table this
     * large is allocated on a heap region's boundary, so 6 longs in puts each bucket on one line.
     */
    private static final int BASE = 6;

    private final long[] slots;
    private final int bucketMask;
    private final long idleUnits;
    private long evictions;
    private long promotions;

    /**
     * @param capacity slots, rounded up to a power of two of at least {@value #WAYS}
     * @param idleNs a second sighting later than this after the first counts as a first one
     */
    public FirstSight(int capacity, long idleNs) {
        int buckets = Integer.highestOneBit(Math.max(1, (capacity + WAYS - 1) / WAYS) * 2 - 1);
        this.bucketMask = buckets - 1;
        this.slots = new long[BASE + buckets * WAYS];
        this.idleUnits = Math.max(1, Math.min(TIME_MASK / 2, idleNs / NS_PER_UNIT));
    }

    /**
     * Records a sighting. Returns true when the address had been seen before (within the idle time)
     * and forgets it here, since the caller now keeps it; false when this is a first sighting.
     */
    public boolean seenBefore(long hi, long lo, long nowNs) {
        long h = Mix.hash(hi, lo);
        int base = BASE + (int) (h & bucketMask) * WAYS;
        // The high 40 hash bits (the bucket came from the low ones), with bit 24 forced on so that a
        // taken slot is never 0.
        long fingerprint = (h & ~TIME_MASK) | (1L << TIME_BITS);
        long now = (nowNs / NS_PER_UNIT) & TIME_MASK;
        int oldest = base;
        long oldestAge = -1;
        for (int s = base; s < base + WAYS; s++) {
            long slot = slots[s];
            if (slot == 0) {
                if (oldestAge < Long.MAX_VALUE) {
                    oldest = s;
                    oldestAge = Long.MAX_VALUE;
                }
                continue;
            }
            long age = (now - (slot & TIME_MASK)) & TIME_MASK;
            if ((slot & ~TIME_MASK) == fingerprint) {
                slots[s] = 0;
                if (age <= idleUnits) {
                    promotions++;
                    return true;
                }
                oldest = s;
                oldestAge = Long.MAX_VALUE;
                break;
            }
            if (age > oldestAge) {
                oldestAge = age;
                oldest = s;
            }
        }
        if (oldestAge != Long.MAX_VALUE) {
            evictions++;
        }
        slots[oldest] = fingerprint | now;
        return false;
    }

    /** Reads the bucket of the address whose {@link Mix#hash} is {@code h}; returns a word of it. */
    long touch(long h) {
        return slots[BASE + (int) (h & bucketMask) * WAYS];
    }

    /** Slots that held an address not yet seen twice and gave way to a newer one. */
    public long evictions() {
        return evictions;
    }

    public long promotions() {
        return promotions;
    }

    public int capacity() {
        return slots.length - BASE;
    }
}
