package net.synguard.mitigate;

/**
 * SYNs per second from each verified source to a target under enforcement, so that a source that
 * proved itself once and then floods from its own address is caught (issue 6, "verified, then
 * flooding"): a verified source's SYNs pass the nftables table to the kernel's queue, where
 * detection alone would only see them once they add up to an attack on the whole address. One
 * capture thread owns it; nothing is allocated per call.
 *
 * <pre>
 *   bucket = mix(seed, source) &amp; (buckets - 1)     4 ways a bucket
 *   data[4 slot ..]  hi | lo | windowStartNs | count     SYNs in the one-second window of packet time
 * </pre>
 *
 * A new source takes a way whose window is over, or else the way with the fewest SYNs: a source
 * sending more than the limit keeps its way against any number of light sources that share its
 * bucket (each of them starts at 1), so collisions cannot hide a flood. The seed is per process,
 * so an attacker with a few addresses cannot choose ones that share a bucket.
 */
final class VerifiedSynRate {
    static final long WINDOW_NS = 1_000_000_000L;
    private static final int WAYS = 4;
    private static final int STRIDE = 4;

    private final long[] data;
    private final int mask;
    private final long limit;
    private final long seed;

    /**
     * @param slots rounded up to a power of two, at least one bucket
     * @param limit SYNs a source may send in one window; the next one is over the limit
     */
    VerifiedSynRate(int slots, long limit, long seed) {
        int n = Integer.highestOneBit(Math.max(WAYS, slots - 1)) << 1;
        this.data = new long[n * STRIDE];
        this.mask = n - 1;
        this.limit = Math.max(1, limit);
        this.seed = seed;
    }

    /**
     * Counts one SYN from {@code (hi, lo)} at {@code nowNs}; returns its count in the current
     * window when this SYN is the first one over the limit (once per window), else 0.
     */
    long overLimit(long hi, long lo, long nowNs) {
        int base = (int) mix(hi, lo) & mask & ~(WAYS - 1);
        int lightest = -1;
        long lightestCount = Long.MAX_VALUE;
        for (int s = base; s < base + WAYS; s++) {
            int d = s * STRIDE;
            boolean live = data[d + 3] > 0 && nowNs - data[d + 2] < WINDOW_NS && nowNs >= data[d + 2];
            if (data[d] == hi && data[d + 1] == lo && data[d + 3] > 0) {
                if (!live) {
                    data[d + 2] = nowNs;
                    data[d + 3] = 1;
                    return 0;
                }
                long count = ++data[d + 3];
                return count == limit + 1 ? count : 0;
            }
            long c = live ? data[d + 3] : 0;
            if (c < lightestCount) {
                lightestCount = c;
                lightest = s;
            }
        }
        int d = lightest * STRIDE;
        data[d] = hi;
        data[d + 1] = lo;
        data[d + 2] = nowNs;
        data[d + 3] = 1;
        return 0;
    }

    /** Forgets {@code (hi, lo)}: its next SYN starts a new window. */
    void forget(long hi, long lo) {
        int base = (int) mix(hi, lo) & mask & ~(WAYS - 1);
        for (int s = base; s < base + WAYS; s++) {
            int d = s * STRIDE;
            if (data[d] == hi && data[d + 1] == lo) {
                data[d + 3] = 0;
            }
        }
    }

    long limit() {
        return limit;
    }

    private long mix(long h, long l) {
        long x = (h ^ seed) * 0x9E37_79B9_7F4A_7C15L ^ l;
        x ^= x >>> 33;
        x *= 0xFF51_AFD7_ED55_8CCDL;
        x ^= x >>> 33;
        x *= 0xC4CE_B9FE_1A85_EC53L;
        return x ^ (x >>> 33);
    }
}
