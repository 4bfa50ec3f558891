package net.synguard.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.synguard.alert.AlertSink;
import net.synguard.config.ConfigLoader;
import net.synguard.config.DetectConfig;
import net.synguard.pressure.DestinationStats;
import net.synguard.pressure.PressureTables;
import net.synguard.testing.EventLines;
import org.junit.jupiter.api.Test;

/**
 * Hysteresis and classification on synthetic traffic in packet time: the clock is a number these
 * tests advance, nothing sleeps.
 */
class AttackDetectorTest {
    private static final long MS = 1_000_000L;
    private static final long SEC = 1000 * MS;
    private static final long MAPPED = 0x0000_FFFF_0000_0000L;
    private static final long SERVER = MAPPED | 0xC6120001L;

    private final long[] clock = {1000 * SEC};
    private final List<String> events = new ArrayList<>();
    private final AlertSink sink = (event, line, summary) -> events.add(line);
    private PressureTables tables;
    private AttackDetector detector;
    private long nextTick;

    private void setUp(String overrides) throws Exception {
        DetectConfig cfg = ConfigLoader.parse("synguard.detect { " + overrides + " }", "test")
                .detect();
        tables = new PressureTables(
                65_536, 65_536, 64, 120 * SEC, 24, 64, cfg.window().toNanos(), () -> clock[0]);
        detector = new AttackDetector(cfg, tables, sink, 10);
        nextTick = clock[0];
    }

    private void advanceTo(long t) {
        while (nextTick <= t) {
            clock[0] = nextTick;
            detector.tick(nextTick);
            nextTick += 100 * MS;
        }
        clock[0] = t;
    }

    private void syn(long src, int port, boolean completes) {
        DestinationStats d = tables.onSyn(0, src, 0, SERVER, port, clock[0]);
        int mark = tables.onHalfOpenOpened(0, src, 0, SERVER, clock[0]);
        if (completes) {
            tables.onSynAckSeen(0, SERVER, clock[0]);
            tables.onHalfOpenClosed(0, src, 0, SERVER, true, true, mark, clock[0]);
        }
        detector.onSyn(d, clock[0]);
    }

    /** SYNs at {@code perSecond} for {@code durationNs}, sources from {@code source}. */
    private void traffic(
            long perSecond, long durationNs, java.util.function.LongUnaryOperator source, boolean completes) {
        long gap = SEC / perSecond;
        long end = clock[0] + durationNs;
        for (long i = 0; clock[0] + gap <= end; i++) {
            advanceTo(clock[0] + gap);
            syn(source.applyAsLong(i), 80, completes);
        }
        advanceTo(end);
    }

    private static long spoofed(long i) {
        return MAPPED | ((0xC6130000L + i * 7919) & 0xFFFF_FFFFL) | 0x0A000000L;
    }

    private List<String> of(String event) {
        return EventLines.events(events, event);
    }

    @Test
    void aBusyServerWhoseClientsCompleteIsNotUnderAttack() throws Exception {
        setUp("destination.syn-rate = 1000");
        traffic(5000, 3 * SEC, i -> MAPPED | (0xC6120100L + i % 200), true);
        assertThat(events).isEmpty();
    }

    @Test
    void aFloodAtTenTimesTheThresholdStartsWithinATenthOfTheWindowAndEndsOnce() throws Exception {
        setUp("destination.syn-rate = 1000, quiet-time = 5s");
        long floodStart = clock[0];
        traffic(10_000, 3 * SEC, AttackDetectorTest::spoofed, false);
        assertThat(of("attack_started")).hasSize(1);
        long floodEnd = clock[0];
        traffic(10, 20 * SEC, AttackDetectorTest::spoofed, false);
        assertThat(of("attack_started")).hasSize(1);
        assertThat(of("attack_ended")).hasSize(1);
        assertThat(of("attack_started").get(0)).contains("\"classification\":\"spoofed\"", "\"trigger\":\"syn_rate\"");
        // Started after about 1,000 SYNs: 100 ms at 10,000/s (plus one SYN's gap).
        assertThat(events.get(0)).startsWith("{\"ts\":\"" + net.synguard.alert.Timestamps.iso(floodStart + 100 * MS));
        String ended = of("attack_ended").get(0);
        // The rate falls below half the threshold within a window of the flood's end; then 5 s quiet.
        assertThat(ended).contains("\"reason\":\"quiet\"");
        long endTs = java.time.Instant.parse(EventLines.field(ended, "ts")).toEpochMilli() * MS;
        assertThat(endTs - floodEnd).isBetween(5 * SEC, 6 * SEC + 200 * MS);
    }

    @Test
    void aRateHoveringBetweenTheEndLevelAndTheThresholdDoesNotFlap() throws Exception {
        setUp("destination.syn-rate = 1000, end-ratio = 0.5, quiet-time = 2s");
        traffic(2000, 1 * SEC, AttackDetectorTest::spoofed, false);
        for (int i = 0; i < 5; i++) {
            traffic(600, 1 * SEC, AttackDetectorTest::spoofed, false);
            traffic(1200, 1 * SEC, AttackDetectorTest::spoofed, false);
        }
        assertThat(of("attack_started")).hasSize(1);
        assertThat(of("attack_ended")).isEmpty();
    }

    @Test
    void updatesComeEveryUpdateInterval() throws Exception {
        setUp("destination.syn-rate = 1000, update-interval = 2s");
        traffic(5000, 7 * SEC, AttackDetectorTest::spoofed, false);
        assertThat(of("attack_update")).hasSize(3);
    }

    @Test
    void anAttackTheHalfOpenCountStartedEndsWhenNewHalfOpensStop() throws Exception {
        // Rate threshold out of reach: only the half-open count can start this one.
        setUp("destination { syn-rate = 100000, half-open = 2000 }, quiet-time = 3s");
        traffic(5000, 1 * SEC, AttackDetectorTest::spoofed, false);
        assertThat(of("attack_started")).hasSize(1);
        assertThat(of("attack_started").get(0)).contains("\"trigger\":\"half_open\"");
        // The 5,000 half-open entries stay (they would expire after 63 s), but nothing new arrives.
        advanceTo(clock[0] + 5 * SEC);
        assertThat(of("attack_ended")).hasSize(1);
        assertThat(of("attack_ended").get(0)).contains("\"half_open\":5000");
    }

    @Test
    void aSlowFloodThatKeepsTheBacklogFullStaysAnAttack() throws Exception {
        setUp("destination { syn-rate = 100000, half-open = 2000 }, quiet-time = 3s");
        traffic(5000, 1 * SEC, AttackDetectorTest::spoofed, false);
        // 100 SYN/s that never complete: far below the rate threshold, above the 16/s that keeps
        // a 2,000-entry backlog (end ratio 0.5, 63 s timeout) filled.
        traffic(100, 20 * SEC, i -> spoofed(10_000 + i), false);
        assertThat(of("attack_started")).hasSize(1);
        assertThat(of("attack_ended")).isEmpty();
    }

    @Test
    void aSlowPortScanIsNotAFlood() throws Exception {
        setUp("destination { syn-rate = 1000, half-open = 100, min-syns = 50 }, classify.scan-min-ports = 100");
        long scanner = MAPPED | 0xC6120009L;
        for (int port = 1; port <= 400; port++) {
            advanceTo(clock[0] + 20 * MS); // 50 ports a second
            DestinationStats d = tables.onSyn(0, scanner, 0, SERVER, port, clock[0]);
            tables.onHalfOpenOpened(0, scanner, 0, SERVER, clock[0]);
            detector.onSyn(d, clock[0]);
        }
        assertThat(events).isEmpty();
        assertThat(detector.portScans()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aFastFloodFromOneSourceIsNamed() throws Exception {
        setUp("destination.syn-rate = 1000");
        long attacker = MAPPED | 0xAC100005L;
        traffic(20_000, 500 * MS, i -> attacker, false);
        String start = of("attack_started").get(0);
        assertThat(start).contains("\"classification\":\"few_sources\"", "\"address\":\"172.16.0.5\"");
    }
}
