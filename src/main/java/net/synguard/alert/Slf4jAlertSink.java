package net.synguard.alert;

import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each event through the dedicated {@value #LOGGER} logger (the JSON line), so that where
 * it lands (stdout for replay; the rolling alert log behind an asynchronous, never-blocking queue
 * for the daemon) is logback's configuration, not code; and its one-line summary through the
 * {@value #SUMMARY_LOGGER} logger at INFO, which the daemon's configuration sends to the journal and
 * the command-line tools' configuration leaves out.
 */
public final class Slf4jAlertSink implements AlertSink {
    /** The logger name the logback configuration routes to the alert appender. */
    public static final String LOGGER = "synguard.alerts";
    /** The logger for the human summary lines. */
    public static final String SUMMARY_LOGGER = "synguard.events";

    private final Logger log = LoggerFactory.getLogger(LOGGER);
    private final Logger summaries = LoggerFactory.getLogger(SUMMARY_LOGGER);
    private final LongAdder published = new LongAdder();

    @Override
    public void publish(String event, String jsonLine, String summary) {
        published.increment();
        log.info(jsonLine);
        summaries.info(summary);
    }

    public long published() {
        return published.sum();
    }
}
