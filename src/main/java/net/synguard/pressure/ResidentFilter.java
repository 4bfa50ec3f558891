package net.synguard.pressure;

/**
 * Answers "might this address have a cache entry?" without touching the cache: a counting Bloom
 * filter (Fan, Cao, Almeida and Broder, 2000) with byte counters, kept in step with a Caffeine cache
 * by its insertions and its removal listener.
 *
 * <p>Under a spoofed flood nearly every lookup is for an address the cache has never held; a miss
 * in a ConcurrentHashMap still hashes, probes and compares. Here a miss is two byte reads in one
 * 64-byte block (a blocked Bloom filter, Putze, Sanders and Singler 2007: both positions in the
 * same cache line, so one memory access). Two counters per possible cache entry keep the array
 * small enough to stay in the core's L2 cache (512 KiB for the default 262,144 sources): while the
 * cache holds few entries, which is the spoofed-flood case this is for, a false "maybe" almost never
 * happens; with the cache full of real repeaters it happens for about 40% of misses, and costs only
 * the real lookup. Counters saturate at 255 and then stay, so a crowded position errs towards
 * "maybe", never towards a wrong "no".
 */
final class ResidentFilter {
    private static final int BLOCK = 64;
    /**
     * Where block 0 starts: an array's elements begin 16 bytes into the object, and a large one is
     * allocated on a heap region's boundary, so 48 bytes in puts each block on one cache line.
     */
    private static final int BASE = 48;

    private final byte[] counters;
    private final int blockMask;

    ResidentFilter(int expectedEntries) {
        int size = Integer.highestOneBit(Math.max(BLOCK, expectedEntries) * 2 - 1) << 1;
        counters = new byte[BASE + size];
        blockMask = size / BLOCK - 1;
    }

    void add(long hi, long lo) {
        long h = Mix.hash(hi, lo);
        increment(first(h));
        increment(second(h));
    }

    void remove(long hi, long lo) {
        long h = Mix.hash(hi, lo);
        decrement(first(h));
        decrement(second(h));
    }

    boolean mightContain(long hi, long lo) {
        return mightContainHash(Mix.hash(hi, lo));
    }

    /** Reads the block of the address whose {@link Mix#hash} is {@code h}; returns a byte of it. */
    int touch(long h) {
        return counters[first(h)];
    }

    /** {@link #mightContain} for the address whose {@link Mix#hash} is {@code h}. */
    boolean mightContainHash(long h) {
        return counters[first(h)] != 0 && counters[second(h)] != 0;
    }

    private int first(long h) {
        return BASE + ((int) h & blockMask) * BLOCK + (int) (h >>> 40) % BLOCK;
    }

    private int second(long h) {
        return BASE + ((int) h & blockMask) * BLOCK + (int) (h >>> 52) % BLOCK;
    }

    private void increment(int i) {
        if (counters[i] != (byte) 0xFF) {
            counters[i]++;
        }
    }

    private void decrement(int i) {
        byte c = counters[i];
        if (c != 0 && c != (byte) 0xFF) {
            counters[i] = (byte) (c - 1);
        }
    }
}
