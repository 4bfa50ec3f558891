package net.synguard.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    /** Surefire runs in the project directory: this is the file the package ships. */
    private static final Path SHIPPED = Path.of("config", "synguard.conf");

    @TempDir
    Path dir;

    private Path write(String text) throws IOException {
        Path file = dir.resolve("synguard.conf");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void shippedFileLoadsAndEqualsTheDefaultsInTheJar() throws Exception {
        SynguardConfig shipped = ConfigLoader.load(SHIPPED);

        assertThat(shipped.origin()).isEqualTo(SHIPPED.toString());
        assertThat(shipped.withOrigin("defaults")).isEqualTo(ConfigLoader.defaults());
    }

    @Test
    void everyKeyInTheShippedFileHasACommentAboveIt() throws Exception {
        List<String> lines = Files.readAllLines(SHIPPED);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.matches("[a-z0-9-]+ = .*")) {
                String above = lines.get(i - 1).strip();
                assertThat(above).as("comment above line %d: %s", i + 1, line).startsWith("#");
            }
        }
    }

    @Test
    void defaultsHaveTheDocumentedValues() {
        SynguardConfig c = ConfigLoader.defaults();

        assertThat(c.origin()).isEqualTo("defaults");
        assertThat(c.interfaces()).containsExactly("eth0");
        assertThat(c.protect()).isEmpty();
        assertThat(c.capture().snaplen()).isEqualTo(128);
        assertThat(c.capture().bufferSizeBytes()).isEqualTo(64L << 20);
        assertThat(c.capture().engine()).isEqualTo("ffm");
        assertThat(c.capture().tick()).isEqualTo(Duration.ofMillis(100));
        assertThat(c.capture().filter()).startsWith("(ip and tcp and (tcp[tcpflags]");
        assertThat(c.track()).isEqualTo(new TrackConfig(524288, 5, Duration.ofSeconds(1)));
        assertThat(c.pressure()).isEqualTo(new PressureConfig(262144, 65536, 4096, Duration.ofSeconds(120), 24, 64));
        assertThat(c.detect())
                .isEqualTo(new DetectConfig(
                        new DetectConfig.DestinationThresholds(1000, 2000, 0.5, 100),
                        new DetectConfig.SourceThresholds(500, 1000),
                        Duration.ofSeconds(1),
                        0.5,
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(10),
                        new DetectConfig.Classify(100, 3.0, 8, 0.8, 100)));
        assertThat(c.mitigation())
                .isEqualTo(MitigationConfig.of(MitigationConfig.Mode.AUTO, MitigationConfig.Handoff.RETRY));
        assertThat(c.alerts())
                .isEqualTo(new AlertsConfig(
                        Path.of("/var/log/synguard/alerts.log"), 10, List.of(), Duration.ofSeconds(5)));
        assertThat(c.metrics()).isEqualTo(new MetricsConfig("127.0.0.1", 9477));
        assertThat(c.stateDir()).isEqualTo(Path.of("/var/lib/synguard"));
    }

    @Test
    void operatorFileOverlaysOnlyTheKeysItSets() throws Exception {
        Path file = write("""
                synguard {
                  interfaces = [ "ens3", "ens4" ]
                  detect.destination { syn-rate = 2500.5 }
                  capture { buffer-size = 256MiB }
                }
                """);

        SynguardConfig c = ConfigLoader.load(file);

        assertThat(c.interfaces()).containsExactly("ens3", "ens4");
        assertThat(c.detect().destination().synRate()).isEqualTo(2500.5);
        assertThat(c.detect().destination().halfOpen()).isEqualTo(2000);
        assertThat(c.capture().bufferSizeBytes()).isEqualTo(256L << 20);
        assertThat(c.capture().snaplen()).isEqualTo(128);
        assertThat(c.origin()).isEqualTo(file.toString());
    }

    @Test
    void protectedAddressesAreKeptAs128Bits() throws Exception {
        SynguardConfig c = ConfigLoader.parse("""
                synguard.protect = [
                  { address = "198.18.0.1", ports = [ 80, 443 ] }
                  { address = "2001:DB8::0010" }
                  { address = "255.255.255.254", ports = [ ] }
                ]
                """, "test");

        ProtectedService v4 = c.protect().get(0);
        assertThat(v4.address()).isEqualTo("198.18.0.1");
        assertThat(v4.addressHi()).isZero();
        assertThat(v4.addressLo()).isEqualTo(0x0000FFFF_C6120001L);
        assertThat(v4.isIpv4()).isTrue();
        assertThat(v4.ports()).containsExactly(80, 443);
        assertThat(v4.coversPort(443)).isTrue();
        assertThat(v4.coversPort(22)).isFalse();

        ProtectedService v6 = c.protect().get(1);
        assertThat(v6.address()).isEqualTo("2001:db8::10");
        assertThat(v6.addressHi()).isEqualTo(0x20010DB8_00000000L);
        assertThat(v6.addressLo()).isEqualTo(0x10L);
        assertThat(v6.isIpv4()).isFalse();
        assertThat(v6.coversPort(1)).isTrue();
        assertThat(v6.coversPort(65535)).isTrue();

        assertThat(c.protect().get(2).addressLo()).isEqualTo(0x0000FFFF_FFFFFFFEL);
    }

    @Test
    void renderOfTheShippedFileParsesBackToTheSameRecord() throws Exception {
        SynguardConfig shipped = ConfigLoader.load(SHIPPED);

        String text = ConfigLoader.render(shipped);

        assertThat(ConfigLoader.parse(text, shipped.origin())).isEqualTo(shipped);
        assertThat(text)
                .contains("    buffer-size = 64MiB\n", "    tick = 100ms\n", "    idle = 120s\n", "  protect = [ ]\n");
    }

    @Test
    void renderOfAnUnusualConfigParsesBackToTheSameRecord() throws Exception {
        SynguardConfig c = ConfigLoader.parse("""
                synguard {
                  interfaces = [ "bond0.100", "eth1" ]
                  protect = [ { address = "192.0.2.10", ports = [ 443, 80 ] }, { address = "2001:db8::1" } ]
                  capture { snaplen = 65535, buffer-size = 1536KiB, tick = 12500us }
                  track { synack-retries = 0, initial-rto = 250ms }
                  pressure { idle = 1h }
                  detect {
                    destination { syn-rate = 0.25, completion-ratio = 1, min-syns = 1 }
                    end-ratio = 1
                    quiet-time = 0s
                    update-interval = 90s
                    classify { spoofed-max-repeat = 1.0000001, few-sources-share = 0 }
                  }
                  mitigation { mode = off, handoff = auto }
                  alerts { file = "/tmp/x/../alerts.jsonl", top-sources = 100 }
                  metrics { listen = "[::1]:65535" }
                  state-dir = "/srv/synguard/"
                }
                """, "unusual");

        String text = ConfigLoader.render(c);

        assertThat(ConfigLoader.parse(text, "unusual")).isEqualTo(c);
        assertThat(text)
                .contains(
                        "buffer-size = 1536KiB",
                        "tick = 12500us",
                        "update-interval = 90s",
                        "quiet-time = 0s",
                        "idle = 1h",
                        "syn-rate = 0.25",
                        "spoofed-max-repeat = 1.0000001",
                        "listen = \"[::1]:65535\"",
                        "mode = \"off\"",
                        "{ address = \"192.0.2.10\", ports = [ 443, 80 ] }",
                        "{ address = \"2001:db8::1\" }",
                        "file = \"/tmp/alerts.jsonl\"",
                        "state-dir = \"/srv/synguard\"");
    }

    @Test
    void renderListsEveryKeyOfTheDefaults() {
        String text = ConfigLoader.render(ConfigLoader.defaults());

        for (String key : List.of(
                "interfaces",
                "protect",
                "snaplen",
                "buffer-size",
                "engine",
                "tick",
                "capacity",
                "synack-retries",
                "initial-rto",
                "sources",
                "prefixes",
                "destinations",
                "idle",
                "ipv4-prefix-length",
                "ipv6-prefix-length",
                "syn-rate",
                "half-open",
                "completion-ratio",
                "min-syns",
                "failed-handshakes",
                "window",
                "end-ratio",
                "quiet-time",
                "update-interval",
                "spoofed-min-sources",
                "spoofed-max-repeat",
                "few-sources-max",
                "few-sources-share",
                "scan-min-ports",
                "mode",
                "handoff",
                "file",
                "top-sources",
                "listen",
                "state-dir")) {
            assertThat(text).contains(" " + key + " = ");
        }
    }

    @Test
    void environmentSubstitutionsAreResolved() throws Exception {
        SynguardConfig c = ConfigLoader.parse("synguard.interfaces = ${?SYNGUARD_NO_SUCH_VAR} [ eth1 ]", "test");

        assertThat(c.interfaces()).containsExactly("eth1");
    }
}
