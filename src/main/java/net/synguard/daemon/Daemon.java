package net.synguard.daemon;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import net.synguard.alert.AlertFileAppender;
import net.synguard.alert.AlertSink;
import net.synguard.alert.CountingAsyncAppender;
import net.synguard.alert.DaemonEvents;
import net.synguard.alert.HookSink;
import net.synguard.alert.Slf4jAlertSink;
import net.synguard.config.ConfigError;
import net.synguard.config.ConfigLoader;
import net.synguard.config.SynguardConfig;
import net.synguard.control.ControlServer;
import net.synguard.control.DaemonStatus;
import net.synguard.control.InterfaceStatus;
import net.synguard.control.MitigationStatus;
import net.synguard.kernel.KernelView;
import net.synguard.mitigate.CookieKeysException;
import net.synguard.mitigate.Mitigation;
import net.synguard.pipeline.JitWarmUp;
import net.synguard.time.WallClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running daemon: one capture thread per configured interface, the kernel's counters read
 * beside them, the alert sinks, the metrics and status endpoint; reload on SIGHUP, orderly stop on
 * SIGTERM. A reload parses and validates the file off the capture threads; a bad file is refused
 * with a {@code config_reloaded} event that says why, and the configuration in force stays.
 */
public final class Daemon {
    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);
    private static final java.time.Duration WARM_UP_BUDGET = java.time.Duration.ofMillis(1500);
    private static final long WARM_UP_FRAMES = 3_000_000;

    private final SynguardConfig startConfig;
    private final Path configFile;
    private final Slf4jAlertSink alerts = new Slf4jAlertSink();
    private final HookSink hook;
    private final AlertSink sink;
    private final KernelWatcher kernel;
    private final Mitigation mitigation;
    private final List<CaptureLoop> loops = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final long startedNs = WallClock.nowNs();
    private ControlServer control;
    private long reloads;
    private long reloadFailures;

    /**
     * @param configFile the file to re-read on reload, or null when running on the defaults
     */
    public Daemon(SynguardConfig startConfig, Path configFile) throws CookieKeysException {
        this.startConfig = startConfig;
        this.configFile = configFile;
        this.hook = startConfig.alerts().hookCommand().isEmpty()
                ? null
                : new HookSink(
                        alerts,
                        startConfig.alerts().hookCommand(),
                        startConfig.alerts().hookTimeout());
        this.sink = hook == null ? alerts : hook;
        this.kernel = new KernelWatcher(KernelView.ofDefaultProc());
        this.mitigation = Mitigation.create(startConfig, sink, Path.of("/proc/sys/net/ipv4"));
        for (String iface : startConfig.interfaces()) {
            loops.add(new CaptureLoop(iface, startConfig, sink, kernel, mitigation));
        }
    }

    /**
     * Starts the capture threads, the signal handler and the control endpoint.
     *
     * @throws IOException when the metrics/status address cannot be bound (in use, not local)
     */
    public void start() throws IOException {
        // Before anything answers or captures: a daemon (re)started while a flood is on must not
        // spend its first seconds interpreting its hot path (see JitWarmUp).
        long t0 = WallClock.monotonicNs();
        long fed = JitWarmUp.run(startConfig, WARM_UP_BUDGET, WARM_UP_FRAMES);
        LOG.info("hot path warmed up: {} synthetic frames in {} ms", fed, (WallClock.monotonicNs() - t0) / 1_000_000);
        control = ControlServer.start(
                startConfig.metrics().host(), startConfig.metrics().port(), this::status);
        // Before the captures: the table is in place (or a crash's leftover gone) before any SYN.
        mitigation.start();
        if (startConfig.mitigation().mode() != net.synguard.config.MitigationConfig.Mode.OFF) {
            for (String w : BridgeNetfilter.warnings(
                    startConfig.interfaces(), Path.of("/sys/class/net"), Path.of("/proc/sys/net/bridge"))) {
                LOG.warn("mitigation: {}", w);
            }
        }
        for (CaptureLoop loop : loops) {
            threads.add(Thread.ofPlatform().name("capture-" + loop.iface()).start(loop));
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

    /** What the daemon sees now, from what each thread last published. */
    public DaemonStatus status() {
        List<InterfaceStatus> interfaces =
                loops.stream().map(CaptureLoop::status).toList();
        long reloadCount;
        long failures;
        synchronized (this) {
            reloadCount = reloads;
            failures = reloadFailures;
        }
        return new DaemonStatus(
                WallClock.nowNs(),
                startedNs,
                interfaces,
                StatusBuilder.of(kernel.latest(), kernel.previous()),
                alerts.published(),
                // Lost on the way to the alert log: the queue was full, or the file failed.
                CountingAsyncAppender.dropped() + AlertFileAppender.dropped(),
                hook == null ? 0 : hook.dropped(),
                hook == null ? 0 : hook.failed(),
                reloadCount,
                failures,
                mitigationStatus());
    }

    private MitigationStatus mitigationStatus() {
        Mitigation m = mitigation;
        var nft = m.nft();
        var cfg = startConfig.mitigation();
        var latency = nft.latency().snapshot();
        return new MitigationStatus(
                cfg.mode().configName(),
                cfg.engine().configName(),
                cfg.handoff().configName(),
                m.enforcing(),
                m.activeTargets(),
                m.mitigations(),
                m.verifiedNow(),
                m.blockedNow(),
                m.blockedTotal(),
                m.purgedHalfOpen(),
                m.responderCounters(),
                nft.applied(),
                nft.failedCommands(),
                nft.failures(),
                nft.lost(),
                latency.quantileUpperUs(0.5),
                latency.quantileUpperUs(0.99));
    }

    /** Stops the capture threads and waits for them (each closes its handle), then the rest. */
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
        // After the captures: nothing sends any more; the table goes (fail open), the kernel's
        // settings come back.
        mitigation.close();
        if (control != null) {
            control.close();
        }
        if (hook != null) {
            hook.close();
        }
        kernel.close();
        stopped.countDown();
    }

    public void awaitStop() throws InterruptedException {
        stopped.await();
    }
}
