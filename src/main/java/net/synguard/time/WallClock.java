package net.synguard.time;

import java.time.Instant;

/**
 * The one place that reads the system time. Live capture uses it only to advance packet time on a
 * quiet wire (packet timestamps come from the same CLOCK_REALTIME, so the two agree), and to stamp
 * events that no packet caused (a reload, a capture error).
 */
public final class WallClock {
    private WallClock() {}

    /**
     * A monotonic nanosecond count for measuring intervals inside the process (how long an nft
     * command took to reach the kernel); not related to packet time or the calendar.
     */
    public static long monotonicNs() {
        return System.nanoTime();
    }

    public static long nowNs() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
