package net.synguard.control;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's HTTP endpoint, on the configured address: {@code /metrics} in Prometheus text format,
 * {@code /status} as JSON and {@code /status.txt} as text for {@code synguard status}. One small
 * thread serves it; nothing here touches a capture thread.
 *
 * <p>There is no authentication, so the default ({@code metrics.listen = "127.0.0.1:9477"} in the
 * shipped configuration) is loopback only; any other address has to be configured explicitly and is
 * logged as a warning when the endpoint starts.
 */
public final class ControlServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);

    private final HttpServer server;
    private final Metrics metrics;
    private final Supplier<DaemonStatus> status;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    private ControlServer(HttpServer server, Supplier<DaemonStatus> status) {
        this.server = server;
        this.status = status;
        this.metrics = new Metrics(status);
    }

    /** Binds {@code host:port} ({@code host} an IP address literal) and starts serving. */
    public static ControlServer start(String host, int port, Supplier<DaemonStatus> status) throws IOException {
        // A literal: no name lookup happens here.
        InetAddress address = InetAddress.getByName(host);
        HttpServer http = HttpServer.create(new InetSocketAddress(address, port), 16);
        if (!address.isLoopbackAddress()) {
            LOG.warn(
                    "metrics.listen = {}: the metrics and status endpoint has no authentication and listens"
                            + " beyond loopback{}; under the shipped systemd unit (IPAddressAllow=localhost) it"
                            + " also needs an IPAddressAllow= drop-in",
                    address.getHostAddress() + ":" + http.getAddress().getPort(),
                    address.isAnyLocalAddress() ? ", on every address of this host" : "");
        }
        ControlServer c = new ControlServer(http, status);
        http.createContext("/metrics", c::metrics);
        http.createContext("/status", c::statusJson);
        http.createContext("/status.txt", c::statusText);
        http.setExecutor(Executors.newSingleThreadExecutor(
                r -> Thread.ofPlatform().name("control").daemon(true).unstarted(r)));
        http.start();
        return c;
    }

    private void metrics(HttpExchange x) throws IOException {
        metrics.refresh();
        ByteArrayOutputStream body = new ByteArrayOutputStream(8192);
        writer.write(body, metrics.registry().scrape(), EscapingScheme.UNDERSCORE_ESCAPING);
        send(x, PrometheusTextFormatWriter.CONTENT_TYPE, body.toByteArray());
    }

    private void statusJson(HttpExchange x) throws IOException {
        if (!x.getRequestURI().getPath().equals("/status")) {
            x.sendResponseHeaders(404, -1);
            x.close();
            return;
        }
        send(x, "application/json", (StatusJson.write(status.get()) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private void statusText(HttpExchange x) throws IOException {
        send(x, "text/plain; charset=utf-8", StatusText.write(status.get()).getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange x, String type, byte[] body) throws IOException {
        x.getResponseHeaders().set("Content-Type", type);
        x.sendResponseHeaders(200, body.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(body);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The address and port it listens on. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
