package net.synguard.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import net.synguard.config.SynguardConfig;
import net.synguard.daemon.Daemon;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code synguard run [--config FILE]}: the daemon, as the systemd unit runs it. Exits 78 (EX_CONFIG)
 * on a bad config file or a missing interface, so that systemd does not restart it in a loop
 * ({@code RestartPreventExitStatus=78}).
 */
@Command(name = "run", description = "Run the daemon: capture live on the configured interfaces, detect, alert.")
final class RunCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "Config file (default: built-in defaults).")
    private Path config;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        SynguardConfig cfg = ConfigFiles.loadOrReport(config, err);
        if (cfg == null) {
            return ExitCodes.CONFIG;
        }
        for (String iface : cfg.interfaces()) {
            if (!Files.exists(Path.of("/sys/class/net", iface))) {
                err.println("synguard: " + (config == null ? "defaults" : config) + ": synguard.interfaces: interface "
                        + iface + " not found on this host (`ip -br link` lists them)");
                return ExitCodes.CONFIG;
            }
        }
        String warning = DaemonLogging.configure(cfg.alerts().file());
        Logger log = LoggerFactory.getLogger("synguard");
        if (warning != null) {
            log.warn("alert log: {}", warning);
        }
        Daemon daemon;
        try {
            daemon = new Daemon(cfg, config);
        } catch (net.synguard.mitigate.CookieKeysException e) {
            err.println("synguard: " + (config == null ? "defaults" : config) + ": synguard.state-dir = "
                    + cfg.stateDir() + ": " + e.getMessage());
            return ExitCodes.CONFIG;
        }
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            log.info("stopping");
                            daemon.stop();
                            DaemonLogging.stop();
                        },
                        "shutdown"));
        log.info("synguard starting on {} with {}", cfg.interfaces(), config == null ? "built-in defaults" : config);
        try {
            daemon.start();
        } catch (java.io.IOException e) {
            err.println("synguard: " + (config == null ? "defaults" : config) + ": synguard.metrics.listen = "
                    + cfg.metrics().listen() + ": cannot listen there: " + e.getMessage());
            daemon.stop();
            return ExitCodes.CONFIG;
        }
        daemon.awaitStop();
        return ExitCodes.OK;
    }
}
