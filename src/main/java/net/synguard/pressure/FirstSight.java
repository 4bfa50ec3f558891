package net.synguard.pressure;

/**
 * Remembers addresses seen once, in a fixed primitive table, so that a source earns a Caffeine entry
 * (a key, a value and a node: about 150 bytes and a hash-map insert) only when it shows up a second
 * time. Under a spoofed flood almost every source sends one SYN and is never heard from again; they
 * pass through here and cost nothing but a slot that the next one overwrites.
 *
 * <p>Set-associative: a bucket of {@value #WAYS} slots per hash, the oldest slot in the bucket gives
 * way to a newcomer (counted as an eviction). Fixed memory: 24 bytes a slot.
 */
public final class FirstSight {
    static final int WAYS = 4;
    private static final int STRIDE = 3;

    private final long[] slots;
    private final int bucketMask;
    private final long idleNs;
    private long evictions;
    private long promotions;

    /**
     * @param capacity slots, rounded up to a power of two of at least {@value #WAYS}
     * @param idleNs a second sighting later than this after the first counts as a first one
     */
    public FirstSight(int capacity, long idleNs) {
        int buckets = Integer.highestOneBit(Math.max(1, (capacity + WAYS - 1) / WAYS - 1)) << 1;
        this.bucketMask = buckets - 1;
        this.slots = new long[buckets * WAYS * STRIDE];
        this.idleNs = idleNs;
    }

    /**
     * Records a sighting. Returns true when the address had been seen before (within the idle time)
     * and forgets it here, since the caller now keeps it; false when this is a first sighting.
     */
    public boolean seenBefore(long hi, long lo, long nowNs) {
        int base = (int) (Mix.hash(hi, lo) & bucketMask) * WAYS * STRIDE;
        int oldest = base;
        long oldestNs = Long.MAX_VALUE;
        for (int s = base; s < base + WAYS * STRIDE; s += STRIDE) {
            long seenNs = slots[s + 2];
            if (seenNs != 0 && slots[s] == hi && slots[s + 1] == lo) {
                slots[s + 2] = 0;
                if (nowNs - seenNs <= idleNs) {
                    promotions++;
                    return true;
                }
                oldest = s;
                oldestNs = 0;
                break;
            }
            if (seenNs < oldestNs) {
                oldestNs = seenNs;
                oldest = s;
            }
        }
        if (oldestNs != 0 && oldestNs != Long.MAX_VALUE) {
            evictions++;
        }
        slots[oldest] = hi;
        slots[oldest + 1] = lo;
        // 0 marks an empty slot, so a packet stamped exactly at the epoch is stored as 1 ns.
        slots[oldest + 2] = nowNs == 0 ? 1 : nowNs;
        return false;
    }

    /** Slots that held an address not yet seen twice and gave way to a newer one. */
    public long evictions() {
        return evictions;
    }

    public long promotions() {
        return promotions;
    }

    public int capacity() {
        return slots.length / STRIDE;
    }
}
