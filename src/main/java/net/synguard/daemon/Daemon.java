package net.synguard.daemon;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import net.synguard.alert.AlertSink;
import net.synguard.alert.DaemonEvents;
import net.synguard.alert.EventContext;
import net.synguard.config.ConfigError;
import net.synguard.config.ConfigLoader;
import net.synguard.config.SynguardConfig;
import net.synguard.time.WallClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running daemon: one capture thread per configured interface, reload on SIGHUP, orderly stop
 * on SIGTERM. A reload parses and validates the file off the capture threads; a bad file is
 * refused with a {@code config_reloaded} event that says why, and the configuration in force stays.
 */
public final class Daemon {
    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

    private final SynguardConfig startConfig;
    private final Path configFile;
    private final AlertSink sink;
    private final List<CaptureLoop> loops = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private long reloads;
    private long reloadFailures;

    /**
     * @param configFile the file to re-read on reload, or null when running on the defaults
     */
    public Daemon(SynguardConfig startConfig, Path configFile, AlertSink sink, EventContext context) {
        this.startConfig = startConfig;
        this.configFile = configFile;
        this.sink = sink;
        for (String iface : startConfig.interfaces()) {
            loops.add(new CaptureLoop(iface, startConfig, sink, context));
        }
    }

    public void start() {
        for (CaptureLoop loop : loops) {
            Thread t = Thread.ofPlatform().name("capture-" + loop.iface()).start(loop);
            threads.add(t);
        }
        Signals.on("HUP", this::reload);
    }

    /** Re-reads the config file (SIGHUP, {@code systemctl reload}). */
    public synchronized void reload() {
        String file = configFile == null ? "built-in defaults" : configFile.toString();
        try {
            SynguardConfig next = configFile == null ? ConfigLoader.defaults() : ConfigLoader.load(configFile);
            List<String> restart = startConfig.restartKeys(next);
            loops.forEach(l -> l.offer(next));
            reloads++;
            LOG.info("reloaded {}{}", file, restart.isEmpty() ? "" : "; a restart is needed for " + restart);
            DaemonEvents.configReloaded(sink, WallClock.nowNs(), file, true, null, restart);
        } catch (ConfigError e) {
            reloadFailures++;
            LOG.error("reload refused, keeping the configuration in force: {}", e.getMessage());
            DaemonEvents.configReloaded(sink, WallClock.nowNs(), file, false, e.getMessage(), List.of());
        }
    }

    /** Stops the capture threads and waits for them (each closes its handle). */
    public void stop() {
        loops.forEach(CaptureLoop::stop);
        for (Thread t : threads) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        stopped.countDown();
    }

    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    List<CaptureLoop> loops() {
        return loops;
    }

    public synchronized long reloads() {
        return reloads;
    }

    public synchronized long reloadFailures() {
        return reloadFailures;
    }
}
