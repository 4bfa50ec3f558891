package net.synguard.pressure;

/**
 * Backlog pressure from one source address or one prefix: what it asked for (SYNs), what it
 * finished (completed handshakes) and what it left hanging (half-open now, failed so far). Written
 * by the capture thread only.
 */
public final class SourceStats {
    /** The address (or prefix) these stats are for: {@link StatsIndex} finds them by it. */
    final long hi;

    final long lo;
    final SlidingRate synRate;
    long syns;
    int halfOpen;
    long completed;
    long failed;
    final long firstSeenNs;
    long lastSeenNs;
    /** Packet time of the last lookup the cache's policy was told about (SourceTier). */
    long touchedNs;
    /** Until when the cache certainly holds these stats, as last read from it (SourceTier). */
    long liveUntilNs;

    SourceStats(long hi, long lo, long windowNs, long nowNs) {
        this.hi = hi;
        this.lo = lo;
        this.synRate = new SlidingRate(windowNs);
        this.firstSeenNs = nowNs;
        this.lastSeenNs = nowNs;
        this.touchedNs = nowNs;
    }

    public double synRate(long nowNs) {
        return synRate.perSecond(nowNs);
    }

    public long syns() {
        return syns;
    }

    public int halfOpen() {
        return halfOpen;
    }

    public long completed() {
        return completed;
    }

    /** Handshakes that ended without completing: refused, aborted, timed out or evicted. */
    public long failed() {
        return failed;
    }

    public long firstSeenNs() {
        return firstSeenNs;
    }

    public long lastSeenNs() {
        return lastSeenNs;
    }
}
