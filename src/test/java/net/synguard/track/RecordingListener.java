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

    @Override
    public void opened(long cHi, long cLo, long sHi, long sLo, int cPort, int sPort, long nowNs) {
        opened++;
        if (keepEvents) {
            events.add(new Event(true, cLo, sLo, cPort, sPort, 0, 0, nowNs));
        }
    }

    @Override
    public void closed(
            long cHi, long cLo, long sHi, long sLo, int cPort, int sPort, int stateBefore, int closure, long nowNs) {
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
