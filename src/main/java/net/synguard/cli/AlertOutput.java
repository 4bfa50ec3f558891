package net.synguard.cli;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Path;
import net.synguard.alert.Slf4jAlertSink;
import org.slf4j.LoggerFactory;

/**
 * Points the alert logger at a file for {@code replay --alerts FILE}. By default logback.xml sends it
 * to stdout, one JSON line per event and nothing else, so the output can be piped to jq or diffed.
 */
final class AlertOutput {
    private AlertOutput() {}

    static void toFile(Path file) {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger alerts = ctx.getLogger(Slf4jAlertSink.LOGGER);
        alerts.detachAndStopAllAppenders();
        PatternLayoutEncoder enc = new PatternLayoutEncoder();
        enc.setContext(ctx);
        enc.setPattern("%msg%n");
        enc.start();
        FileAppender<ILoggingEvent> app = new FileAppender<>();
        app.setContext(ctx);
        app.setName("ALERTS_FILE");
        app.setFile(file.toString());
        app.setAppend(false);
        app.setEncoder(enc);
        app.start();
        alerts.addAppender(app);
        alerts.setAdditive(false);
    }

    /** Flushes and closes every appender: call before exit. */
    static void close() {
        ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
    }
}
