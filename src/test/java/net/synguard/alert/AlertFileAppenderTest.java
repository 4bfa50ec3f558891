package net.synguard.alert;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.rolling.TimeBasedRollingPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the alert log's appender counts when the file cannot take the events. */
class AlertFileAppenderTest {
    @TempDir
    Path dir;

    /** A context of its own (not the tests' logging), with the MDC adapter the service provider sets. */
    private static LoggerContext context() {
        LoggerContext ctx = new LoggerContext();
        ctx.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        return ctx;
    }

    private AlertFileAppender appender(LoggerContext ctx, String file) {
        AlertFileAppender a = new AlertFileAppender();
        a.setContext(ctx);
        a.setFile(file);
        TimeBasedRollingPolicy<ILoggingEvent> roll = new TimeBasedRollingPolicy<>();
        roll.setContext(ctx);
        roll.setParent(a);
        roll.setFileNamePattern(dir.resolve("alerts.%d{yyyy-MM-dd}.log").toString());
        roll.start();
        a.setRollingPolicy(roll);
        PatternLayoutEncoder enc = new PatternLayoutEncoder();
        enc.setContext(ctx);
        enc.setPattern("%msg%n");
        enc.start();
        a.setEncoder(enc);
        a.start();
        return a;
    }

    private static ILoggingEvent event(LoggerContext ctx, String msg) {
        return new LoggingEvent(
                AlertFileAppenderTest.class.getName(), ctx.getLogger("synguard.alerts"), Level.INFO, msg, null, null);
    }

    @Test
    void eventsAWorkingFileTakesAreNotCounted() throws Exception {
        LoggerContext ctx = context();
        Path file = dir.resolve("alerts.log");
        AlertFileAppender a = appender(ctx, file.toString());
        long before = AlertFileAppender.dropped();
        for (int i = 0; i < 5; i++) {
            a.doAppend(event(ctx, "{\"n\":" + i + "}"));
        }
        a.stop();
        assertThat(Files.readAllLines(file)).hasSize(5);
        assertThat(AlertFileAppender.dropped() - before).isZero();
    }

    /**
     * logback's stream tells its recovery listeners when writing starts failing and when it works
     * again (a full disk, measured with a real one in tests/e2e/81-faults-runtime.sh); what it
     * drops in between is counted. (/dev/full is no stand-in: logback's file stream stalls on it.)
     */
    @Test
    void eventsBetweenAFailureAndTheRecoveryAreCounted() throws Exception {
        LoggerContext ctx = context();
        Path file = dir.resolve("alerts.log");
        AlertFileAppender a = appender(ctx, file.toString());
        a.doAppend(event(ctx, "{\"n\":0}"));
        long before = AlertFileAppender.dropped();
        a.newFailure(new java.io.IOException("No space left on device"));
        for (int i = 0; i < 3; i++) {
            a.doAppend(event(ctx, "{}"));
        }
        assertThat(AlertFileAppender.dropped() - before).isEqualTo(3);
        a.recoveryOccured();
        a.doAppend(event(ctx, "{\"n\":4}"));
        a.stop();
        assertThat(AlertFileAppender.dropped() - before).isEqualTo(3);
    }

    @Test
    void aFileThatCannotBeOpenedCountsEveryEvent() throws Exception {
        Path notADir = dir.resolve("plain-file");
        Files.writeString(notADir, "x");
        LoggerContext ctx = context();
        AlertFileAppender a = appender(ctx, notADir.resolve("alerts.log").toString());
        assertThat(a.isStarted()).isFalse();
        long before = AlertFileAppender.dropped();
        for (int i = 0; i < 3; i++) {
            a.doAppend(event(ctx, "{}"));
        }
        assertThat(AlertFileAppender.dropped() - before).isEqualTo(3);
    }
}
