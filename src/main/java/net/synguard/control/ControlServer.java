package net.synguard.control;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The daemon's HTTP endpoint, on the configured address (loopback by default; there is no
 * authentication): {@code /metrics} in Prometheus text format, {@code /status} as JSON and
 * {@code /status.txt} as text for {@code synguard status}. One small thread serves it; nothing here
 * touches a capture thread.
 */
public final class ControlServer implements AutoCloseable {
    private final HttpServer server;
    private final Metrics metrics;
    private final Supplier<DaemonStatus> status;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    private ControlServer(HttpServer server, Supplier<DaemonStatus> status) {
        this.server = server;
        this.status = status;
        this.metrics = new Metrics(status);
    }

    /** Binds {@code host:port} and starts serving. */
    public static ControlServer start(String host, int port, Supplier<DaemonStatus> status) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 16);
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

    @Override
    public void close() {
        server.stop(0);
    }
}
