package net.synguard.mitigate;

/**
 * A source address as a cache key. Keys stored in {@link VerifiedSources} are never changed; a
 * capture thread owns one more instance, the probe, which it re-points for each lookup so that
 * asking "is this source verified?" on every SYN allocates nothing (a hash map compares the probe
 * with stored keys by {@link #equals}, which looks only at the address).
 */
final class SourceKey {
    private long hi;
    private long lo;

    SourceKey(long hi, long lo) {
        this.hi = hi;
        this.lo = lo;
    }

    /** Re-points the probe; never called on a key that is in a map. */
    SourceKey set(long newHi, long newLo) {
        this.hi = newHi;
        this.lo = newLo;
        return this;
    }

    long hi() {
        return hi;
    }

    long lo() {
        return lo;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SourceKey k && k.hi == hi && k.lo == lo;
    }

    @Override
    public int hashCode() {
        long x = hi * 0x9E37_79B9_7F4A_7C15L ^ lo;
        return (int) (x ^ (x >>> 32));
    }

    @Override
    public String toString() {
        return net.synguard.decode.Addresses.format(hi, lo);
    }
}
