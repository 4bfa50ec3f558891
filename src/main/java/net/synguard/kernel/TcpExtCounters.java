package net.synguard.kernel;

import java.util.List;

/**
 * The TcpExt counters from {@code /proc/net/netstat} that tell whether the kernel's own SYN
 * backlog is under pressure; what each one means for an operator is in {@code package-info}.
 * Components carry the kernel's names (include/uapi/linux/snmp.h, net/ipv4/proc.c).
 *
 * <p>A counter this kernel does not print is {@link #ABSENT}, so "not available" is never shown as
 * "zero events". The kernel counts in unsigned 64 bits; a value past {@link Long#MAX_VALUE} would
 * take 2^63 events and is clamped there by the parser.
 */
public record TcpExtCounters(
        long syncookiesSent,
        long syncookiesRecv,
        long syncookiesFailed,
        long listenOverflows,
        long listenDrops,
        long tcpReqQFullDrop,
        long tcpReqQFullDoCookies) {

    public static final long ABSENT = -1;

    /** The kernel's names, in component order. */
    public static final List<String> NAMES = List.of(
            "SyncookiesSent",
            "SyncookiesRecv",
            "SyncookiesFailed",
            "ListenOverflows",
            "ListenDrops",
            "TCPReqQFullDrop",
            "TCPReqQFullDoCookies");

    /** What a file without a TcpExt section gives. */
    public static final TcpExtCounters NONE =
            new TcpExtCounters(ABSENT, ABSENT, ABSENT, ABSENT, ABSENT, ABSENT, ABSENT);

    public TcpExtCounters {
        long[] values = {
            syncookiesSent,
            syncookiesRecv,
            syncookiesFailed,
            listenOverflows,
            listenDrops,
            tcpReqQFullDrop,
            tcpReqQFullDoCookies
        };
        for (int i = 0; i < values.length; i++) {
            if (values[i] < ABSENT) {
                throw new IllegalArgumentException(
                        NAMES.get(i) + " = " + values[i] + " (expected a count >= 0, or -1 for absent)");
            }
        }
    }

    static TcpExtCounters of(long[] values) {
        return new TcpExtCounters(values[0], values[1], values[2], values[3], values[4], values[5], values[6]);
    }

    /** Whether {@code values} (in {@link #NAMES} order) are this reading's; allocates nothing. */
    boolean hasValues(long[] values) {
        return syncookiesSent == values[0]
                && syncookiesRecv == values[1]
                && syncookiesFailed == values[2]
                && listenOverflows == values[3]
                && listenDrops == values[4]
                && tcpReqQFullDrop == values[5]
                && tcpReqQFullDoCookies == values[6];
    }

    /** Values in {@link #NAMES} order. */
    public long[] toArray() {
        return new long[] {
            syncookiesSent,
            syncookiesRecv,
            syncookiesFailed,
            listenOverflows,
            listenDrops,
            tcpReqQFullDrop,
            tcpReqQFullDoCookies
        };
    }

    /**
     * What happened between {@code earlier} and this reading. A counter that went down was reset (a
     * new network namespace behind the same path, or a wrap of the kernel's unsigned 64 bits), so
     * its delta is the current value: the events since the reset, a lower bound rather than a
     * negative number. Absent on either side stays absent.
     */
    public TcpExtCounters minus(TcpExtCounters earlier) {
        long[] now = toArray();
        long[] before = earlier.toArray();
        long[] delta = new long[now.length];
        for (int i = 0; i < now.length; i++) {
            delta[i] = delta(now[i], before[i]);
        }
        return of(delta);
    }

    public static boolean isPresent(long value) {
        return value != ABSENT;
    }

    private static long delta(long now, long before) {
        if (now == ABSENT || before == ABSENT) {
            return ABSENT;
        }
        return now >= before ? now - before : now;
    }
}
