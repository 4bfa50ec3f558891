package net.synguard.track;

import java.util.ArrayList;
import java.util.List;

/** Keeps every listener call for assertions, and running totals for invariants. */
final class RecordingListener implements HandshakeListener {
    record Event(boolean open, long cLo, long sLo, int cPort, int sPort, int stateBefore, int closure, long nowNs) {}

    final List<Event> events = new ArrayList<>();
    final boolean keepEvents;
    long opened;
    long closed;

    RecordingListener() {
        this(true);
    }

    RecordingListener(boolean keepEvents) {
        this.keepEvents = keepEvents;
    }

    /**
     * The mark this listener gives a flow: any function of the flow works; this one uses every mark
     * bit, so that each test also checks the mark survives every transition the entry goes through.
     */
    static int markOf(long cLo, int cPort) {
        return (int) (cLo ^ cPort ^ (cPort >>> 7)) & MARK_MASK;
    }

    @Override
    public int opened(long cHi, long cLo, long sHi, long sLo, int cPort, int sPort, long nowNs) {
        opened++;
        if (keepEvents) {
            events.add(new Event(true, cLo, sLo, cPort, sPort, 0, 0, nowNs));
        }
        return markOf(cLo, cPort);
    }

    @Override
    public void closed(
            long cHi,
            long cLo,
            long sHi,
            long sLo,
            int cPort,
            int sPort,
            int stateBefore,
            int closure,
            int mark,
            long nowNs) {
        if (mark != markOf(cLo, cPort)) {
            throw new AssertionError("mark " + mark + " came back for a flow marked " + markOf(cLo, cPort));
        }
        closed++;
        if (keepEvents) {
            events.add(new Event(false, cLo, sLo, cPort, sPort, stateBefore, closure, nowNs));
        }
    }

    Event last() {
        return events.getLast();
    }

    List<Event> closures() {
        return events.stream().filter(e -> !e.open()).toList();
    }
}
