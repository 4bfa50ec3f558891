package net.synguard.time;

/**
 * The one clock of a pipeline: packet timestamps drive it.
 *
 * <p>Every rate, window and timeout reads {@link #nowNs()}, so a replay of a capture computes exactly
 * what the live daemon computed from the same packets, at whatever speed the file is read. Time only
 * moves forward: a frame stamped earlier than the one before it (clock steps on the capturing host,
 * merged captures) does not rewind windows that have already closed; it is counted instead.
 *
 * <p>Single writer (the capture thread). Readers on other threads see a plain long; a torn read is
 * impossible on 64-bit JVMs and a slightly stale value is harmless for them (metrics, status).
 */
public final class PacketClock {
    private long nowNs;
    private boolean started;
    private long backwardSteps;

    /** Moves the clock to a packet's timestamp; earlier timestamps leave it where it is. */
    public void advanceTo(long timestampNs) {
        if (!started) {
            started = true;
            nowNs = timestampNs;
        } else if (timestampNs > nowNs) {
            nowNs = timestampNs;
        } else if (timestampNs < nowNs) {
            backwardSteps++;
        }
    }

    /** Current packet time in nanoseconds since the Unix epoch; 0 before the first packet. */
    public long nowNs() {
        return nowNs;
    }

    /** True once a timestamp has been seen. */
    public boolean started() {
        return started;
    }

    /** Frames that arrived stamped earlier than the clock already was. */
    public long backwardSteps() {
        return backwardSteps;
    }
}
