package net.synguard.alert;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.recovery.RecoveryListener;
import ch.qos.logback.core.recovery.ResilientOutputStreamBase;
import ch.qos.logback.core.rolling.RollingFileAppender;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.atomic.LongAdder;
import net.synguard.time.WallClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * logback's RollingFileAppender for the alert log, saying when events do not reach the file.
 *
 * <p>logback's file output stream swallows write errors: on the first {@code IOException} (disk
 * full, the file made immutable, an I/O error) it records one status message, then drops every
 * event until a reopen attempt (after a growing delay) writes again; a file that could not be
 * opened at start leaves the appender stopped, and it drops every event too. Nothing of that
 * reaches the journal or a counter (logback's status messages are printed only for configuration
 * errors). Here each event that did not reach the file is counted in {@link #dropped} (shown with
 * the queue's drops as {@code alert_log_dropped} in status and metrics), and the journal gets a
 * line when writing fails and one when it works again, each at most once a minute. The
 * alert events themselves still reach the journal through their summary line, and protection does
 * not depend on the file: this appender runs on the asynchronous queue's thread.
 */
public final class AlertFileAppender extends RollingFileAppender<ILoggingEvent> implements RecoveryListener {
    // Not the alert logger: these lines go to the journal (root), never back into this appender.
    private static final Logger LOG = LoggerFactory.getLogger(AlertFileAppender.class);
    private static final LongAdder DROPPED = new LongAdder();
    private static final long REPEAT_NS = 60_000_000_000L;

    private OutputStream watched;
    private volatile boolean failing;
    private volatile String lastError = "";
    /** Events lost since the last "written again" line. */
    private long lost;

    private long nextFailureReportNs;
    private long nextRecoveryReportNs;

    @Override
    public void doAppend(ILoggingEvent event) {
        if (!isStarted()) {
            // The file could not be opened at start (logback said why on the console once).
            dropped("the alert log " + getFile() + " could not be opened");
            return;
        }
        super.doAppend(event);
    }

    @Override
    protected void subAppend(ILoggingEvent event) {
        watch();
        super.subAppend(event);
        if (failing) {
            dropped("writing the alert log " + getFile() + " failed: " + lastError);
            return;
        }
        // A nearly full disk lets some events through and not others: at most one line a minute
        // each way, with the count of what was lost in between.
        long now = WallClock.monotonicNs();
        if (lost > 0 && now >= nextRecoveryReportNs) {
            LOG.warn(
                    "the alert log {} is written again; {} alert events were lost before (alert_log_dropped)",
                    getFile(),
                    lost);
            lost = 0;
            nextRecoveryReportNs = now + REPEAT_NS;
        }
    }

    /** Listens to the current file stream (a new one after each roll-over). */
    private void watch() {
        OutputStream os = getOutputStream();
        if (os != watched && os instanceof ResilientOutputStreamBase r) {
            r.addRecoveryListener(this);
            watched = os;
        }
    }

    private void dropped(String why) {
        DROPPED.increment();
        lost++;
        long now = WallClock.monotonicNs();
        if (now >= nextFailureReportNs) {
            nextFailureReportNs = now + REPEAT_NS;
            LOG.warn(
                    "{}: {} alert events not written so far (alert_log_dropped); protection goes on, the"
                            + " summaries stay in this log",
                    why,
                    lost);
        }
    }

    @Override
    public void newFailure(IOException e) {
        lastError = String.valueOf(e.getMessage());
        failing = true;
    }

    @Override
    public void recoveryOccured() {
        failing = false;
    }

    /** Events that did not reach an alert log file, by every instance in this JVM. */
    public static long dropped() {
        return DROPPED.sum();
    }
}
