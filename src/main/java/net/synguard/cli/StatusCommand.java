package net.synguard.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import net.synguard.config.SynguardConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code synguard status}: asks the running daemon what it sees now, over its loopback endpoint
 * (the address is {@code synguard.metrics.listen} in the config).
 */
@Command(name = "status", description = "Show what the running daemon sees now (attacks, rates, half-open, kernel).")
final class StatusCommand implements Callable<Integer> {
    /** EX_UNAVAILABLE: no daemon answered. */
    private static final int UNAVAILABLE = 69;

    private static final Path ETC = Path.of("/etc/synguard/synguard.conf");

    @Spec
    private CommandSpec spec;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description =
                    "The daemon's config file, to find its address (default: /etc/synguard/synguard.conf if present).")
    private Path config;

    @Option(names = "--json", description = "The status as one JSON object.")
    private boolean json;

    @Override
    public Integer call() throws InterruptedException {
        SynguardConfig cfg = ConfigFiles.loadOrReport(
                config != null ? config : Files.isReadable(ETC) ? ETC : null,
                spec.commandLine().getErr());
        if (cfg == null) {
            return ExitCodes.CONFIG;
        }
        String host = cfg.metrics().host().contains(":")
                ? "[" + cfg.metrics().host() + "]"
                : cfg.metrics().host();
        URI uri = URI.create("http://" + host + ":" + cfg.metrics().port() + (json ? "/status" : "/status.txt"));
        try (HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            HttpResponse<String> r = client.send(
                    HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                spec.commandLine().getErr().println("synguard: " + uri + " answered " + r.statusCode());
                return UNAVAILABLE;
            }
            spec.commandLine().getOut().print(r.body());
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        } catch (IOException e) {
            spec.commandLine()
                    .getErr()
                    .println("synguard: no daemon answering at " + uri + " (" + e.getMessage()
                            + "); is it running? systemctl status synguard");
            return UNAVAILABLE;
        }
    }
}
