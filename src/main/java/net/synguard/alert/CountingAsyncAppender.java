package net.synguard.alert;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.concurrent.atomic.LongAdder;

/**
 * logback's AsyncAppender, counting what it drops. With {@code neverBlock} a full queue drops the
 * event silently, which is what the capture thread needs (it must never wait on a disk) but not
 * what an operator needs: the count is shown in metrics and status, and a warning goes to the
 * journal.
 */
public final class CountingAsyncAppender extends AsyncAppender {
    private static final LongAdder DROPPED = new LongAdder();

    @Override
    protected void append(ILoggingEvent event) {
        if (getRemainingCapacity() == 0) {
            DROPPED.increment();
            return;
        }
        super.append(event);
    }

    /** Events dropped for lack of room, by every instance in this JVM. */
    public static long dropped() {
        return DROPPED.sum();
    }
}
