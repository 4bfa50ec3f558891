package net.synguard.pressure;

/**
 * What one server address is receiving: SYN and completion rates over the detection window, its
 * half-open handshakes, and sketches of who is sending (distinct sources, heaviest sources and
 * prefixes, ports). The sketches cover the current observation period: they are cleared every
 * {@link PressureTables#SKETCH_PERIOD_NS} while the address is not under attack, and kept for the
 * whole of an attack so that its end can report on all of it.
 */
public final class DestinationStats {
    static final int TOP_SOURCES = 32;
    static final int TOP_PREFIXES = 16;
    static final int TOP_PORTS = 16;

    final long hi;
    final long lo;
    final SlidingRate synRate;
    final SlidingRate completedRate;
    long syns;
    long completed;
    long failed;
    int halfOpen;
    int halfOpenSynSeen;
    int halfOpenSynAckSeen;

    final HyperLogLog sources = new HyperLogLog(11);
    final HyperLogLog ports = new HyperLogLog(10);
    final SpaceSaving topSources = new SpaceSaving(TOP_SOURCES);
    final SpaceSaving topPrefixes = new SpaceSaving(TOP_PREFIXES);
    final SpaceSaving topPorts = new SpaceSaving(TOP_PORTS);
    long sketchStartNs;
    long sketchSyns;
    boolean pinned;

    DestinationStats(long hi, long lo, long windowNs, long nowNs) {
        this.hi = hi;
        this.lo = lo;
        this.synRate = new SlidingRate(windowNs);
        this.completedRate = new SlidingRate(windowNs);
        this.sketchStartNs = nowNs;
    }

    void clearSketches(long nowNs) {
        sources.clear();
        ports.clear();
        topSources.clear();
        topPrefixes.clear();
        topPorts.clear();
        sketchStartNs = nowNs;
        sketchSyns = 0;
    }

    public long hi() {
        return hi;
    }

    public long lo() {
        return lo;
    }

    public double synRate(long nowNs) {
        return synRate.perSecond(nowNs);
    }

    /** SYNs in the trailing window (not per second). */
    public double synsInWindow(long nowNs) {
        return synRate.count(nowNs);
    }

    /**
     * Completed handshakes per SYN over the trailing window: near 1 for a busy server, near 0 for
     * one under a spoofed flood. 1 when no SYN arrived in the window.
     */
    public double completionRatio(long nowNs) {
        double s = synRate.count(nowNs);
        if (s <= 0) {
            return 1.0;
        }
        return Math.min(1.0, completedRate.count(nowNs) / s);
    }

    public long syns() {
        return syns;
    }

    public long completed() {
        return completed;
    }

    public long failed() {
        return failed;
    }

    public int halfOpen() {
        return halfOpen;
    }

    /** Half-open with only the SYN seen (server silent, or a one-way capture). */
    public int halfOpenSynSeen() {
        return halfOpenSynSeen;
    }

    /** Half-open with the SYN-ACK seen: the kernel's SYN_RECV. */
    public int halfOpenSynAckSeen() {
        return halfOpenSynAckSeen;
    }

    public long distinctSources() {
        return sources.estimate();
    }

    public long distinctPorts() {
        return ports.estimate();
    }

    /** SYNs since the sketches were last cleared. */
    public long sketchSyns() {
        return sketchSyns;
    }

    public long sketchStartNs() {
        return sketchStartNs;
    }

    public SpaceSaving topSources() {
        return topSources;
    }

    public SpaceSaving topPrefixes() {
        return topPrefixes;
    }

    public SpaceSaving topPorts() {
        return topPorts;
    }

    public boolean pinned() {
        return pinned;
    }
}
