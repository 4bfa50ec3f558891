package net.synguard.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * Switches logback from the command-line setup (alerts on stdout) to the daemon's: the alert log
 * file named in the config, rolled and written through a never-blocking queue, and a human line per
 * event on stdout for the journal. The configuration comes from {@code -Dsynguard.logback} (the unit
 * points it at /etc/synguard/logback.xml) or else the copy of config/logback.xml in the jar; either
 * way the alert log's path is passed in as the property {@value #ALERTS_FILE_PROPERTY}. Not through
 * logback's own {@code -Dlogback.configurationFile}: logback would load that file at the first log
 * call, before the config is read, and open the default alert log path on the way.
 */
final class DaemonLogging {
    static final String ALERTS_FILE_PROPERTY = "SYNGUARD_ALERTS_FILE";
    private static final String BUNDLED = "/net/synguard/config/logback.xml";

    private DaemonLogging() {}

    /** Returns a warning for the operator, or null when the alert log's directory is usable. */
    static String configure(Path alertsFile) throws JoranException, IOException {
        String warning = null;
        Path dir = alertsFile.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            warning = "cannot create " + dir + ": " + e.getMessage();
        }
        if (warning == null && !Files.isWritable(dir)) {
            warning = dir + " is not writable: alert events go to the journal only until it is";
        }
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        String external = System.getProperty("synguard.logback");
        URL url = external != null ? Path.of(external).toUri().toURL() : DaemonLogging.class.getResource(BUNDLED);
        if (url == null) {
            throw new IOException("no daemon logback configuration (" + BUNDLED + " missing from the jar)");
        }
        ctx.reset();
        ctx.putProperty(ALERTS_FILE_PROPERTY, alertsFile.toString());
        JoranConfigurator jc = new JoranConfigurator();
        jc.setContext(ctx);
        jc.doConfigure(url);
        return warning;
    }

    static void stop() {
        ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
    }
}
