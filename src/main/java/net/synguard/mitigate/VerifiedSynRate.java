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
 *   data[5 slot ..]   hi | lo | tick | sum | reported        tick = packet time / 100 ms
 *   counts[10 slot ..]  SYNs in each of the last ten 100 ms ticks (a ring); sum = their total
 * </pre>
 *
 * The sum is the source's SYNs in the last 0.9 to 1 s, whatever the phase of the flood: with one
 * fixed one-second window a flood that starts late in its source's window passed nearly twice the
 * limit before it was seen (measured in the lab: 897 SYNs at a 500/s limit). A new source takes a
 * way whose ticks are all over, or else the way with the fewest SYNs: a source over the limit
 * keeps its way against any number of light sources that share its bucket (each of them starts at
 * 1), so collisions cannot hide a flood. The seed is per process, so an attacker with a few
 * addresses cannot choose ones that share a bucket.
 */
final class VerifiedSynRate {
    static final long TICK_NS = 100_000_000L;
    static final int TICKS = 10;
    private static final int WAYS = 4;
    private static final int STRIDE = 5;
    private static final int TICK = 2;
    private static final int SUM = 3;
    private static final int REPORTED = 4;

    private final long[] data;
    private final int[] counts;
    private final int mask;
    private final long limit;
    private final long seed;

    /**
     * @param slots rounded up to a power of two, at least one bucket
     * @param limit SYNs a source may send in one second; the next one is over the limit
     */
    VerifiedSynRate(int slots, long limit, long seed) {
        int n = Integer.highestOneBit(Math.max(WAYS, slots - 1)) << 1;
        this.data = new long[n * STRIDE];
        this.counts = new int[n * TICKS];
        this.mask = n - 1;
        this.limit = Math.max(1, limit);
        this.seed = seed;
    }

    /**
     * Counts one SYN from {@code (hi, lo)} at {@code nowNs}; returns its SYNs in the last second
     * when this SYN is the first one over the limit since the source was forgotten (or quiet for a
     * second), else 0.
     */
    long overLimit(long hi, long lo, long nowNs) {
        long tick = Math.floorDiv(nowNs, TICK_NS);
        int base = (int) mix(hi, lo) & mask & ~(WAYS - 1);
        int lightest = base;
        long lightestSum = Long.MAX_VALUE;
        for (int s = base; s < base + WAYS; s++) {
            int d = s * STRIDE;
            long sum = advance(s, tick);
            if (data[d] == hi && data[d + 1] == lo && sum > 0) {
                return count(s, tick);
            }
            if (sum < lightestSum) {
                lightestSum = sum;
                lightest = s;
            }
        }
        int d = lightest * STRIDE;
        java.util.Arrays.fill(counts, lightest * TICKS, lightest * TICKS + TICKS, 0);
        data[d] = hi;
        data[d + 1] = lo;
        data[d + TICK] = tick;
        data[d + SUM] = 0;
        data[d + REPORTED] = 0;
        return count(lightest, tick);
    }

    /** Drops the ticks of slot {@code s} older than the last second; its sum after that. */
    private long advance(int s, long tick) {
        int d = s * STRIDE;
        long last = data[d + TICK];
        if (tick <= last || data[d + SUM] == 0) {
            return data[d + SUM];
        }
        int c = s * TICKS;
        if (tick - last >= TICKS) {
            java.util.Arrays.fill(counts, c, c + TICKS, 0);
            data[d + SUM] = 0;
            data[d + REPORTED] = 0;
        } else {
            for (long t = last + 1; t <= tick; t++) {
                int i = c + Math.floorMod(t, TICKS);
                data[d + SUM] -= counts[i];
                counts[i] = 0;
            }
        }
        data[d + TICK] = tick;
        return data[d + SUM];
    }

    private long count(int s, long tick) {
        int d = s * STRIDE;
        // A packet time that went back (another clock's frame) counts in the current tick.
        counts[s * TICKS + Math.floorMod(Math.max(tick, data[d + TICK]), TICKS)]++;
        long sum = ++data[d + SUM];
        if (sum <= limit || data[d + REPORTED] != 0) {
            return 0;
        }
        data[d + REPORTED] = 1;
        return sum;
    }

    /** Forgets {@code (hi, lo)}: its next SYN starts a new count. */
    void forget(long hi, long lo) {
        int base = (int) mix(hi, lo) & mask & ~(WAYS - 1);
        for (int s = base; s < base + WAYS; s++) {
            int d = s * STRIDE;
            if (data[d] == hi && data[d + 1] == lo) {
                java.util.Arrays.fill(counts, s * TICKS, s * TICKS + TICKS, 0);
                data[d + SUM] = 0;
                data[d + REPORTED] = 0;
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
