package net.synguard.mitigate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import net.synguard.alert.JsonLine;
import net.synguard.config.ConfigLoader;
import net.synguard.config.SynguardConfig;
import net.synguard.decode.Address;
import net.synguard.detect.Classification;
import net.synguard.detect.Verdict;
import org.junit.jupiter.api.Test;

/**
 * Mitigation driven by attack starts and ends, against a real nft in a namespace: mode auto turns
 * enforcement on and off with the attack, few-source floods get their sources blocked and
 * unblocked, and attack_ended says what was done.
 */
class MitigationTest extends NetnsMitigationTestBase {
    private static final Address TARGET = Address.parse("192.0.2.10");
    private static final long NOW = 1_700_000_000_000_000_000L;

    private void start(String mode, String extra) throws Exception {
        String nft = String.join(
                ", ", NS.nftCommand().stream().map(w -> "\"" + w + "\"").toList());
        String hocon = "synguard { interfaces = [ \"lo\" ]\n"
                + "protect = [ { address = \"192.0.2.10\", ports = [ 80, 443 ] }, { address = \"192.0.2.20\" } ]\n"
                + "mitigation { mode = \"" + mode + "\", purge-half-open = false, nft-command = [ " + nft + " ]\n"
                + extra + " }\n"
                + "alerts { file = \"" + dir.resolve("alerts.log") + "\" }\n"
                + "state-dir = \"" + dir + "\" }\n";
        SynguardConfig cfg = ConfigLoader.parse(hocon, "test.conf");
        mitigation = Mitigation.create(cfg, (event, json, summary) -> events.add(json), dir);
        mitigation.start();
        assertThat(mitigation.enforcing()).isTrue();
    }

    private List<String> named(String event) {
        synchronized (events) {
            return events.stream()
                    .filter(e -> e.contains("\"event\":\"" + event + "\""))
                    .toList();
        }
    }

    private static Verdict verdict(Classification c, double topShare, List<Verdict.SourceCount> top) {
        return new Verdict(c, top.size(), 100, topShare, top, List.of());
    }

    private void flush() throws InterruptedException {
        assertThat(mitigation.nft().flush(Duration.ofSeconds(5))).isTrue();
    }

    @Test
    void autoModeEnforcesOnlyWhileTheAttackLasts() throws Exception {
        start("auto", "");
        flush();
        assertThat(NS.elements("active4")).isEmpty();

        mitigation.started("A-1", TARGET.hi(), TARGET.lo(), verdict(Classification.SPOOFED, 0.001, List.of()), NOW);
        flush();
        assertThat(NS.elements("active4")).containsExactlyInAnyOrder("192.0.2.10 . 80", "192.0.2.10 . 443");
        assertThat(NS.elements("active_hosts4"))
                .as("the other protected address is not attacked")
                .isEmpty();
        assertThat(mitigation.activeTargets()).containsExactly("192.0.2.10");
        assertThat(named("mitigation_started")).singleElement().asString().contains("\"attack_id\":\"A-1\"");

        JsonLine j = new JsonLine().beginObject("mitigation");
        mitigation.addTo("A-1", j);
        assertThat(j.endObject().build()).contains("\"mode\":\"auto\"").contains("\"cookies_sent\":0");

        mitigation.ended("A-1", TARGET.hi(), TARGET.lo(), NOW + 5_000_000_000L);
        flush();
        assertThat(NS.elements("active4")).isEmpty();
        assertThat(mitigation.activeTargets()).isEmpty();
        assertThat(named("mitigation_stopped"))
                .singleElement()
                .asString()
                .contains("\"duration_s\":5.000")
                .contains("\"syns_dropped\":0");
    }

    @Test
    void twoAttacksOnOneTargetStopMitigationOnlyWhenBothEnd() throws Exception {
        start("auto", "");
        Verdict v = verdict(Classification.SPOOFED, 0.001, List.of());
        mitigation.started("A-1", TARGET.hi(), TARGET.lo(), v, NOW);
        mitigation.started("A-2", TARGET.hi(), TARGET.lo(), v, NOW + 1);
        mitigation.ended("A-1", TARGET.hi(), TARGET.lo(), NOW + 2);
        assertThat(mitigation.activeTargets()).containsExactly("192.0.2.10");
        mitigation.ended("A-2", TARGET.hi(), TARGET.lo(), NOW + 3);
        assertThat(mitigation.activeTargets()).isEmpty();
        assertThat(named("mitigation_started")).hasSize(1);
        assertThat(named("mitigation_stopped")).hasSize(1);
    }

    @Test
    void anAttackOnAnUnprotectedAddressIsOnlyWatched() throws Exception {
        start("auto", "");
        Address other = Address.parse("192.0.2.99");
        mitigation.started("A-1", other.hi(), other.lo(), verdict(Classification.SPOOFED, 0.001, List.of()), NOW);
        assertThat(mitigation.activeTargets()).isEmpty();
        assertThat(named("mitigation_started")).isEmpty();
    }

    @Test
    void fewSourceFloodsGetTheirBigSourcesBlockedAndUnblockedAfterTheTimeout() throws Exception {
        start("auto", "block { timeout = 2s, min-share = 0.1 }");
        List<Verdict.SourceCount> top = List.of(
                new Verdict.SourceCount("198.18.0.66", 9_000, 0, true),
                new Verdict.SourceCount("198.18.0.77", 900, 0, true),
                new Verdict.SourceCount("198.18.0.88", 100, 0, false));
        mitigation.started("A-1", TARGET.hi(), TARGET.lo(), verdict(Classification.FEW_SOURCES, 0.9, top), NOW);
        // The same verdict again (an update): no second block.
        mitigation.updated("A-1", TARGET.hi(), TARGET.lo(), verdict(Classification.FEW_SOURCES, 0.9, top), NOW);
        flush();
        assertThat(NS.elements("blocked4")).containsExactly("198.18.0.66");
        assertThat(named("source_blocked"))
                .singleElement()
                .asString()
                .contains("\"source\":\"198.18.0.66\"")
                .contains("\"share\":0.900")
                .contains("\"timeout_s\":2");

        long deadline = System.nanoTime() + 6_000_000_000L;
        while (named("source_unblocked").isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(named("source_unblocked")).singleElement().asString().contains("\"reason\":\"timeout\"");
        assertThat(NS.elements("blocked4"))
                .as("the kernel's element timed out too")
                .isEmpty();
        assertThat(mitigation.blockedNow()).isZero();
    }

    @Test
    void spoofedFloodsBlockNobody() throws Exception {
        start("auto", "");
        List<Verdict.SourceCount> top = List.of(new Verdict.SourceCount("198.19.3.4", 3, 0, false));
        mitigation.started("A-1", TARGET.hi(), TARGET.lo(), verdict(Classification.SPOOFED, 0.9, top), NOW);
        assertThat(named("source_blocked")).isEmpty();
    }

    @Test
    void modeOffInstallsNothingAndRemovesALeftoverTable() throws Exception {
        NS.nft("add table inet synguard\n", "-f", "-");
        String nft = String.join(
                ", ", NS.nftCommand().stream().map(w -> "\"" + w + "\"").toList());
        SynguardConfig cfg = ConfigLoader.parse(
                "synguard { interfaces = [ \"lo\" ], protect = [ { address = \"192.0.2.10\" } ]\n"
                        + "mitigation { mode = \"off\", nft-command = [ " + nft + " ] }\n"
                        + "state-dir = \"" + dir + "\" }",
                "off.conf");
        mitigation = Mitigation.create(cfg, (event, json, summary) -> events.add(json), dir);
        mitigation.start();
        assertThat(NS.nft("", "list", "table", "inet", "synguard").status()).isNotZero();
        assertThat(mitigation.responder(1, (f, l) -> true)).isNull();
        mitigation.started("A-1", TARGET.hi(), TARGET.lo(), verdict(Classification.SPOOFED, 0.9, List.of()), NOW);
        assertThat(named("mitigation_started")).isEmpty();
    }

    @Test
    void aMissingNftFailsOpenWithAnEventAndTheResponderStandsDown() throws Exception {
        SynguardConfig cfg = ConfigLoader.parse(
                "synguard { interfaces = [ \"lo\" ], protect = [ { address = \"192.0.2.10\" } ]\n"
                        + "mitigation { mode = \"always\", purge-half-open = false, nft-command = [ \"/nonexistent/nft\" ] }\n"
                        + "state-dir = \"" + dir + "\" }",
                "missing-nft.conf");
        mitigation = Mitigation.create(cfg, (event, json, summary) -> events.add(json), dir);
        mitigation.start();
        assertThat(mitigation.enforcing()).isFalse();
        assertThat(named("mitigation_error")).isNotEmpty().first().asString().contains("failing open");
        assertThat(mitigation.target(TARGET.hi(), TARGET.lo()))
                .as("no SYN-ACKs beside the kernel's")
                .isNull();
    }
}
