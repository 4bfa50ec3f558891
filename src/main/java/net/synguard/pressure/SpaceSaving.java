package net.synguard.pressure;

import java.util.Arrays;

/**
 * The heaviest keys of a stream in k counters: the Space-Saving algorithm (Metwally, Agrawal and
 * El Abbadi, ICDT 2005). A new key takes over the smallest counter and inherits its count as an
 * error bound, so any key with more than N/k occurrences is guaranteed to be present, and its count
 * overestimates by at most its error. Keys are 128-bit (addresses, or a port in the low word).
 *
 * <p>k stays small (tens): a linear scan over primitive arrays is faster than any index at this size
 * and allocates nothing.
 */
public final class SpaceSaving {
    private final long[] hi;
    private final long[] lo;
    private final long[] counts;
    private final long[] errors;
    private int used;

    public SpaceSaving(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be positive: " + k);
        }
        hi = new long[k];
        lo = new long[k];
        counts = new long[k];
        errors = new long[k];
    }

    public void add(long keyHi, long keyLo, long n) {
        // One pass finds the key or, failing that, the first smallest counter: most adds in a
        // flood are of keys the sketch does not hold, and a second pass was a second scan.
        int min = 0;
        for (int i = 0; i < used; i++) {
            if (lo[i] == keyLo && hi[i] == keyHi) {
                counts[i] += n;
                return;
            }
            if (counts[i] < counts[min]) {
                min = i;
            }
        }
        if (used < counts.length) {
            hi[used] = keyHi;
            lo[used] = keyLo;
            counts[used] = n;
            errors[used] = 0;
            used++;
            return;
        }
        hi[min] = keyHi;
        lo[min] = keyLo;
        errors[min] = counts[min];
        counts[min] += n;
    }

    public int size() {
        return used;
    }

    public void clear() {
        used = 0;
    }

    /**
     * Indices of the entries by count, highest first; ties broken by key so that output does not
     * depend on arrival order. Off the hot path (it allocates).
     */
    public int[] ranked() {
        Integer[] idx = new Integer[used];
        for (int i = 0; i < used; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> {
            int c = Long.compare(counts[b], counts[a]);
            if (c != 0) {
                return c;
            }
            c = Long.compareUnsigned(hi[a], hi[b]);
            return c != 0 ? c : Long.compareUnsigned(lo[a], lo[b]);
        });
        int[] out = new int[used];
        for (int i = 0; i < used; i++) {
            out[i] = idx[i];
        }
        return out;
    }

    public long keyHi(int i) {
        return hi[i];
    }

    public long keyLo(int i) {
        return lo[i];
    }

    public long count(int i) {
        return counts[i];
    }

    /** How much {@link #count} may overstate the key's true count. */
    public long error(int i) {
        return errors[i];
    }
}
