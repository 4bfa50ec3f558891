package net.synguard.pressure;

/**
 * An event count over the trailing window, in packet time, from two fixed buckets: the previous
 * window's count weighted by how much of it still overlaps the trailing window, plus the current
 * one's. Three longs instead of a ring of buckets, and accurate enough for thresholds; the same
 * estimator rate limiters use ("sliding window counter").
 *
 * <p>Buckets are aligned to multiples of the window on the packet clock, so two runs over the same
 * packets give the same numbers.
 */
public final class SlidingRate {
    private final long windowNs;
    private long bucketStartNs = Long.MIN_VALUE;
    private long previous;
    private long current;

    public SlidingRate(long windowNs) {
        if (windowNs <= 0) {
            throw new IllegalArgumentException("window must be positive: " + windowNs);
        }
        this.windowNs = windowNs;
    }

    public void add(long nowNs, long n) {
        roll(nowNs);
        current += n;
    }

    /** Events in the trailing window ending at {@code nowNs}. */
    public double count(long nowNs) {
        roll(nowNs);
        double elapsed = (double) (nowNs - bucketStartNs) / windowNs;
        return previous * (1.0 - elapsed) + current;
    }

    /** Events per second over the trailing window. */
    public double perSecond(long nowNs) {
        return count(nowNs) * 1e9 / windowNs;
    }

    public long windowNs() {
        return windowNs;
    }

    private void roll(long nowNs) {
        long start = nowNs - Math.floorMod(nowNs, windowNs);
        if (start == bucketStartNs) {
            return;
        }
        if (bucketStartNs != Long.MIN_VALUE && start - bucketStartNs == windowNs) {
            previous = current;
        } else if (start > bucketStartNs) {
            previous = 0;
        } else {
            // Packet time never runs backwards (PacketClock), so an older start cannot happen;
            // keep the counts rather than guess.
            return;
        }
        current = 0;
        bucketStartNs = start;
    }
}
