package net.synguard.pressure;

/**
 * A 128-bit address (or prefix) as a Caffeine key. Keys stored in a cache are never changed; the
 * one probe instance per table is re-pointed for each lookup so that a hit allocates nothing, and
 * is copied with {@link #copy} only when an entry is inserted. Also the key of the mitigation's
 * verified sources.
 */
public final class AddressKey {
    private long hi;
    private long lo;

    public AddressKey(long hi, long lo) {
        this.hi = hi;
        this.lo = lo;
    }

    /** Re-points a probe key; never call on a key that a cache holds. */
    public AddressKey set(long newHi, long newLo) {
        this.hi = newHi;
        this.lo = newLo;
        return this;
    }

    public AddressKey copy() {
        return new AddressKey(hi, lo);
    }

    public long hi() {
        return hi;
    }

    public long lo() {
        return lo;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AddressKey k && k.hi == hi && k.lo == lo;
    }

    @Override
    public int hashCode() {
        return (int) Mix.hash(hi, lo);
    }

    @Override
    public String toString() {
        return Long.toHexString(hi) + ":" + Long.toHexString(lo);
    }
}
