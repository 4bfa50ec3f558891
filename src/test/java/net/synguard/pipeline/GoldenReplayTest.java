package net.synguard.pipeline;

import static net.synguard.testing.EventLines.events;
import static net.synguard.testing.EventLines.field;
import static net.synguard.testing.EventLines.firstTopSource;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays of the real captures in tests/captures against checked-in event lines
 * (tests/golden/NAME.jsonl), compared exactly; and, beside the exact comparison, the facts each
 * capture must show, asserted on their own so that regenerating the golden files cannot quietly
 * accept a wrong answer. Regenerate with {@code -Dsynguard.golden.update=true} and review the diff.
 */
class GoldenReplayTest {
    private static final Path GOLDEN = Path.of("tests", "golden");

    /** Every capture in tests/captures: a new one must come with its golden file. */
    static List<String> captures() throws java.io.IOException {
        try (var files = Files.list(Replays.CAPTURES)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".pcap"))
                    .sorted()
                    .toList();
        }
    }

    @ParameterizedTest
    @MethodSource("captures")
    void eventsMatchGoldenFile(String capture) throws Exception {
        List<String> lines = Replays.replay(capture).sink().lines;
        Path golden = GOLDEN.resolve(capture.replaceFirst("\\.pcap$", ".jsonl"));
        if (Boolean.getBoolean("synguard.golden.update")) {
            Files.write(golden, lines, StandardCharsets.UTF_8);
        }
        assertThat(lines).containsExactlyElementsOf(Files.readAllLines(golden, StandardCharsets.UTF_8));
    }

    /**
     * Holding frames back to prefetch their table lines, as {@code synguard replay} and the daemon
     * do, gives the golden files' events (which are written without it) and the same counters.
     */
    @ParameterizedTest
    @MethodSource("captures")
    void prefetchingGivesTheSameEvents(String capture) throws Exception {
        Path file = Replays.CAPTURES.resolve(capture);
        var cfg = net.synguard.config.ConfigLoader.defaults();
        Replays.Result direct = Replays.replay(file, cfg, cfg.capture().engine(), 0);
        Replays.Result held = Replays.replay(file, cfg, cfg.capture().engine(), Pipeline.PREFETCH_DEPTH);
        assertThat(held.sink().lines).isEqualTo(direct.sink().lines);
        Pipeline a = direct.pipeline();
        Pipeline b = held.pipeline();
        assertThat(List.of(
                        b.frames(),
                        b.syns(),
                        b.tracker().completed(),
                        b.tracker().evicted(),
                        b.tracker().expired(),
                        b.pressure().trackedSources(),
                        b.pressure().failed()))
                .isEqualTo(List.of(
                        a.frames(),
                        a.syns(),
                        a.tracker().completed(),
                        a.tracker().evicted(),
                        a.tracker().expired(),
                        a.pressure().trackedSources(),
                        a.pressure().failed()));
        assertThat(a.frames()).isPositive();
    }

    /**
     * The two read-loop engines (libpcap through FFM, and pcap4j's loop) must be interchangeable:
     * the same frames, the same timestamps, so the same bytes out.
     */
    @ParameterizedTest
    @MethodSource("captures")
    void bothEnginesGiveTheSameEvents(String capture) throws Exception {
        Path file = Replays.CAPTURES.resolve(capture);
        var cfg = net.synguard.config.ConfigLoader.defaults();
        Replays.Result ffm = Replays.replay(file, cfg, net.synguard.capture.CaptureFiles.ENGINE_FFM);
        Replays.Result pcap4j = Replays.replay(file, cfg, net.synguard.capture.CaptureFiles.ENGINE_PCAP4J);
        assertThat(ffm.sink().lines).isEqualTo(pcap4j.sink().lines);
        assertThat(ffm.pipeline().frames())
                .isEqualTo(pcap4j.pipeline().frames())
                .isPositive();
        assertThat(ffm.pipeline().clock().nowNs())
                .isEqualTo(pcap4j.pipeline().clock().nowNs());
        assertThat(ffm.pipeline().tracker().completed())
                .isEqualTo(pcap4j.pipeline().tracker().completed());
    }

    @Test
    void replayIsDeterministic() throws Exception {
        List<String> first =
                Replays.replay("lab_mixed_spoofed_flood_and_http.pcap").sink().lines;
        List<String> second =
                Replays.replay("lab_mixed_spoofed_flood_and_http.pcap").sink().lines;
        assertThat(second).isEqualTo(first).isNotEmpty();
    }

    @Test
    void spoofedFloodIsOneSpoofedAttackOnTheMinecraftPort() throws Exception {
        List<String> lines =
                Replays.replay("stopddos__pkt.TCP.synflood.spoofed.pcap").sink().lines;
        assertThat(events(lines, "attack_started")).hasSize(1);
        assertThat(events(lines, "attack_ended")).hasSize(1);
        String start = events(lines, "attack_started").get(0);
        assertThat(field(start, "target")).isEqualTo("10.10.10.10");
        assertThat(start).contains("\"ports\":[25565]");
        assertThat(field(start, "classification")).isEqualTo("spoofed");
        String end = events(lines, "attack_ended").get(0);
        assertThat(field(end, "classification")).isEqualTo("spoofed");
        // 37,623 distinct sources in the file (tshark); the sketch errs by a few per cent.
        assertThat(Long.parseLong(field(end, "distinct_sources"))).isBetween(34_000L, 41_000L);
    }

    @Test
    void cicSynFloodNamesItsOneRealSource() throws Exception {
        List<String> lines =
                Replays.replay("lucid__CIC-DDoS-2019-SynFlood.pcap").sink().lines;
        assertThat(events(lines, "attack_started")).hasSize(1);
        String start = events(lines, "attack_started").get(0);
        assertThat(field(start, "target")).isEqualTo("192.168.50.4");
        assertThat(field(start, "classification")).isEqualTo("few_sources");
        assertThat(firstTopSource(start)).isEqualTo("172.16.0.5");
        String end = events(lines, "attack_ended").get(0);
        assertThat(firstTopSource(end)).isEqualTo("172.16.0.5");
        assertThat(Long.parseLong(field(end, "distinct_ports"))).isGreaterThan(1000);
    }

    @Test
    void webFloodOverCompletedHandshakesIsNoSynFlood() throws Exception {
        Replays.Result r = Replays.replay("lucid__CIC-DDoS-2019-WebDDoS.pcap");
        assertThat(r.sink().lines).isEmpty();
        // 145 handshakes, as tshark counts them: the file holds every frame twice, and a
        // duplicated ACK must not count as a second completion.
        assertThat(r.pipeline().tracker().completed()).isEqualTo(145);
    }

    @Test
    void synAckReflectionIsNoSynFlood() throws Exception {
        Replays.Result r = Replays.replay("stopddos__amp.TCP.reflection.SYNACK.pcap");
        assertThat(r.sink().lines).isEmpty();
        assertThat(r.pipeline().tracker().synAcksUnsolicited()).isGreaterThan(6000);
        // One real SYN; the other SYNs in the file are quoted inside ICMP errors, not on the wire.
        assertThat(r.pipeline().syns()).isEqualTo(1);
    }

    @Test
    void labFloodIsOneAttackThatNeverBlamesTheRealClient() throws Exception {
        Replays.Result r = Replays.replay("lab_mixed_spoofed_flood_and_http.pcap");
        List<String> lines = r.sink().lines;
        assertThat(events(lines, "attack_started")).hasSize(1);
        assertThat(events(lines, "attack_ended")).hasSize(1);
        String start = events(lines, "attack_started").get(0);
        assertThat(field(start, "target")).isEqualTo("198.18.0.1");
        assertThat(start).contains("\"ports\":[80]");
        assertThat(field(start, "classification")).isEqualTo("spoofed");
        assertThat(lines).noneMatch(l -> l.contains("\"198.18.0.3\""));
        assertThat(r.pipeline().tracker().completed()).isEqualTo(60);
    }
}
