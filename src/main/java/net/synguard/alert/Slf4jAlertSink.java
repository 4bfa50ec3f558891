package net.synguard.alert;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes events through the dedicated {@value #LOGGER} logger, so that where they land (stdout, the
 * alert log with its rolling policy, an async queue) is logback's configuration, not code.
 */
public final class Slf4jAlertSink implements AlertSink {
    /** The logger name the logback configuration routes to the alert appender. */
    public static final String LOGGER = "synguard.alerts";

    private final Logger log = LoggerFactory.getLogger(LOGGER);
    private long published;

    @Override
    public void publish(String event, String jsonLine) {
        published++;
        log.info(jsonLine);
    }

    public long published() {
        return published;
    }
}
