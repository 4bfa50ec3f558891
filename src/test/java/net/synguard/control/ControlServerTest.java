package net.synguard.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import net.synguard.detect.AttackDetector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The endpoint on a real loopback socket, serving a fixed status. */
class ControlServerTest {
    private static final long NOW = 1_763_770_000_000_000_000L;

    private ControlServer server;
    private final HttpClient client = HttpClient.newHttpClient();

    static DaemonStatus status() {
        AttackDetector.ActiveAttack attack = new AttackDetector.ActiveAttack(
                "20251122T000000Z-1",
                "198.18.0.1",
                "syn_rate",
                "spoofed",
                NOW - 5_000_000_000L,
                20_000,
                4000,
                0.001,
                19_000,
                List.of("198.19.1.2"));
        InterfaceStatus br0 = new InterfaceStatus(
                "br0",
                true,
                NOW,
                100_000,
                99_000,
                60_000,
                30_000,
                12,
                500,
                3,
                7,
                9,
                4000,
                1000,
                3000,
                20_000.4,
                321,
                2,
                1,
                100_500,
                17,
                0,
                1,
                Map.of("tcp_truncated", 4L),
                List.of(new InterfaceStatus.PortCount("198.18.0.1", 80, 4000)),
                List.of(attack),
                java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(Map.of("sources", 1024L))),
                Map.of("half_open", 7L, "sources_seen_once", 90_000L));
        KernelStatus kernel = new KernelStatus(5000, 40, 1, 0, 12, 12, 5000, 128, Map.of(80, 128), "sending_cookies");
        return new DaemonStatus(
                NOW,
                NOW - 60_000_000_000L,
                List.of(br0, InterfaceStatus.notCapturing("eth1", 3)),
                kernel,
                42,
                0,
                0,
                1,
                2,
                1,
                MitigationStatus.NONE);
    }

    @BeforeEach
    void start() throws Exception {
        server = ControlServer.start("127.0.0.1", 0, ControlServerTest::status);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void metricsArePrometheusTextWithSynguardNames() throws Exception {
        HttpResponse<String> r = get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
        assertThat(r.body())
                .contains("synguard_syns_total{interface=\"br0\"} 60000.0")
                .contains("synguard_half_open{interface=\"br0\",state=\"syn_ack_seen\"} 3000.0")
                .contains("synguard_attacks_active{interface=\"br0\"} 1.0")
                .contains("synguard_capture_kernel_drops_total{interface=\"br0\"} 17.0")
                .contains("synguard_malformed_frames_total{interface=\"br0\",reason=\"tcp_truncated\"} 4.0")
                .contains("synguard_kernel_syncookies_sent_total 5000.0")
                .contains("synguard_kernel_syn_recv{port=\"80\"} 128.0")
                .contains("synguard_config_reload_failures_total 1.0")
                .contains("synguard_table_entries{interface=\"br0\",table=\"sources\"} 1024.0")
                .contains("synguard_table_evictions_total{interface=\"br0\",table=\"sources_seen_once\"} 90000.0");
        assertThat(r.body().lines().filter(l -> !l.startsWith("#")).filter(l -> !l.isBlank()))
                .allMatch(l -> l.startsWith("synguard_"));
    }

    @Test
    void statusIsOneValidJsonObject() throws Exception {
        HttpResponse<String> r = get("/status");
        assertThat(r.statusCode()).isEqualTo(200);
        Config json = ConfigFactory.parseString(r.body());
        assertThat(json.getConfigList("interfaces")).hasSize(2);
        Config br0 = json.getConfigList("interfaces").get(0);
        assertThat(br0.getString("interface")).isEqualTo("br0");
        assertThat(br0.getInt("half_open.syn_ack_seen")).isEqualTo(3000);
        assertThat(br0.getConfigList("attacks").get(0).getString("target")).isEqualTo("198.18.0.1");
        assertThat(json.getString("kernel.state")).isEqualTo("sending_cookies");
        assertThat(json.getConfigList("interfaces").get(1).getBoolean("capturing"))
                .isFalse();
    }

    @Test
    void statusTextSaysWhatIsHappening() throws Exception {
        String text = get("/status.txt").body();
        assertThat(text)
                .contains("interface br0: capturing")
                .contains("198.18.0.1  spoofed")
                .contains("half-open       4000 (SYN seen 1000, SYN-ACK seen 3000")
                .contains("17 dropped by the kernel")
                .contains("interface eth1: NOT CAPTURING")
                .contains("kernel: sending_cookies; 128 SYN_RECV sockets")
                .contains("tables          entries {sources=1024}; evicted");
    }

    @Test
    void unknownPathsAreNotFound() throws Exception {
        assertThat(get("/status/extra").statusCode()).isEqualTo(404);
    }
}
