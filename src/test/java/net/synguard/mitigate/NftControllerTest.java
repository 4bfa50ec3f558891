package net.synguard.mitigate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import net.synguard.decode.Address;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The controller against a real nft, in a network namespace of its own (root needed; skipped
 * without it). Each test starts from a namespace without our table.
 */
class NftControllerTest {
    private static final NetnsNft NS = new NetnsNft();
    private static final Address SERVER4 = Address.parse("198.18.0.1");
    private static final Address SERVER6 = Address.parse("2001:db8::1");
    private static final NftService WEB4 = new NftService(SERVER4.hi(), SERVER4.lo(), 80);
    private static final NftService WEB6 = new NftService(SERVER6.hi(), SERVER6.lo(), 443);
    private static final NftService ALL4 = new NftService(
            Address.parse("198.18.0.9").hi(), Address.parse("198.18.0.9").lo(), NftService.ANY_PORT);
    private static final NftRuleset RULESET = new NftRuleset(List.of(WEB4, WEB6, ALL4));
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final List<String> recoveries = new CopyOnWriteArrayList<>();
    private final NftController.Listener listener = new NftController.Listener() {
        @Override
        public void nftFailed(String reason) {
            failures.add(reason);
        }

        @Override
        public void nftRecovered() {
            recoveries.add("recovered");
        }
    };
    private NftController controller;

    @BeforeAll
    static void createNamespace() {
        assumeTrue(NetnsNft.available(), "needs root, ip and nft");
        NS.create();
    }

    @AfterAll
    static void deleteNamespace() {
        NS.delete();
    }

    @BeforeEach
    void noTable() {
        NS.nft(NftRuleset.removeScript(), "-f", "-");
        controller =
                new NftController(RULESET, NftController.Options.defaults().withCommand(NS.nftCommand()), listener);
    }

    @AfterEach
    void closeController() {
        controller.close();
    }

    private String table() {
        return NS.nft("", "list", "table", "inet", "synguard").out();
    }

    @Test
    void rulesetPassesCheckAndLoads() {
        NetnsNft.Result check = NS.nft(RULESET.script(), "-c", "-f", "-");
        assertThat(check.status()).as(check.out()).isZero();
        assertThat(controller.check()).isTrue();
        assertThat(table()).as("check touches nothing").doesNotContain("chain");

        assertThat(controller.setUp()).isTrue();
        String listing = table();
        for (String set : List.of(
                "verified4",
                "verified6",
                "blocked4",
                "blocked6",
                "protected4",
                "protected6",
                "protected_hosts4",
                "protected_hosts6",
                "active4",
                "active6",
                "active_hosts4",
                "active_hosts6")) {
            assertThat(listing).contains("set " + set + " {");
        }
        assertThat(listing)
                .contains("chain prerouting {")
                .contains("type filter hook prerouting priority raw; policy accept;")
                .contains("ip daddr . tcp dport @active4 ip saddr != @verified4 counter packets 0 bytes 0 drop")
                .contains("ip6 saddr @blocked6 ip6 daddr . tcp dport @protected6 counter packets 0 bytes 0 drop");
        assertThat(NS.elements("protected4")).containsExactly("198.18.0.1 . 80");
        assertThat(NS.elements("protected_hosts4")).containsExactly("198.18.0.9");
        assertThat(NS.elements("protected6")).containsExactly("2001:db8::1 . 443");
        assertThat(failures).isEmpty();
    }

    @Test
    void commandsChangeTheSets() throws InterruptedException {
        assertThat(controller.setUp()).isTrue();
        controller.start();
        Address client4 = Address.parse("198.51.100.7");
        Address client6 = Address.parse("2001:db8:1::7");
        Address flooder = Address.parse("203.0.113.9");
        assertThat(controller.verify(client4, Duration.ofMinutes(1))).isTrue();
        assertThat(controller.verify(client6, Duration.ofMinutes(1))).isTrue();
        assertThat(controller.block(flooder, Duration.ofMinutes(1))).isTrue();
        assertThat(controller.activate(WEB4)).isTrue();
        assertThat(controller.activate(WEB6)).isTrue();
        assertThat(controller.activate(ALL4)).isTrue();
        assertThat(controller.flush(WAIT)).isTrue();

        assertThat(NS.elements("verified4")).containsExactly("198.51.100.7");
        assertThat(NS.elements("verified6")).containsExactly("2001:db8:1::7");
        assertThat(NS.elements("blocked4")).containsExactly("203.0.113.9");
        assertThat(NS.elements("active4")).containsExactly("198.18.0.1 . 80");
        assertThat(NS.elements("active_hosts4")).containsExactly("198.18.0.9");
        assertThat(NS.elements("active6")).containsExactly("2001:db8::1 . 443");

        // Repeats are harmless (a verify restarts the timeout), and so are removals of absent ones.
        assertThat(controller.verify(client4, Duration.ofMinutes(2))).isTrue();
        assertThat(controller.unblock(flooder)).isTrue();
        assertThat(controller.unblock(flooder)).isTrue();
        assertThat(controller.deactivate(WEB4)).isTrue();
        assertThat(controller.deactivate(WEB4)).isTrue();
        assertThat(controller.flush(WAIT)).isTrue();
        assertThat(NS.nft("", "list", "set", "inet", "synguard", "verified4").out())
                .contains("timeout 2m");
        assertThat(NS.elements("blocked4")).isEmpty();
        assertThat(NS.elements("active4")).isEmpty();
        assertThat(NS.elements("active_hosts4")).containsExactly("198.18.0.9");

        assertThat(controller.applied()).isEqualTo(11);
        assertThat(controller.starts()).as("nft never restarted").isEqualTo(1);
        assertThat(controller.lost()).isZero();
        assertThat(controller.failedCommands()).isZero();
        assertThat(controller.errorLines()).isZero();
        assertThat(failures).isEmpty();
    }

    @Test
    void latencyToTheKernel() throws InterruptedException {
        assertThat(controller.setUp()).isTrue();
        controller.start();
        // One at a time, as a verification after an RST arrives: offer to nft's acknowledgement.
        for (int i = 1; i <= 200; i++) {
            assertThat(controller.verify(Address.ofIpv4(0xC6336400 | i), Duration.ofMinutes(1)))
                    .isTrue();
            assertThat(controller.flush(WAIT)).isTrue();
        }
        NftLatency one = controller.latency().snapshot();
        System.out.println("nft latency, one command at a time: " + one);
        assertThat(one.count()).isEqualTo(200);
        assertThat(NS.elements("verified4")).hasSize(200);
        // A burst: batched 16 to a line.
        for (int i = 1; i <= 1000; i++) {
            assertThat(controller.verify(Address.ofIpv4(0xCB007100 + i), Duration.ofMinutes(1)))
                    .isTrue();
        }
        assertThat(controller.flush(WAIT)).isTrue();
        System.out.println("nft latency, with a burst of 1000: " + controller.latency());
        assertThat(NS.elements("verified4")).hasSize(1200);
        assertThat(one.quantileUpperUs(0.5)).as("median well under 10 ms").isLessThanOrEqualTo(8192);
    }

    @Test
    void timeoutsExpire() throws InterruptedException {
        assertThat(controller.setUp()).isTrue();
        controller.start();
        assertThat(controller.verify(Address.parse("198.51.100.8"), Duration.ofSeconds(1)))
                .isTrue();
        assertThat(controller.block(Address.parse("2001:db8:2::9"), Duration.ofSeconds(1)))
                .isTrue();
        assertThat(controller.verify(Address.parse("198.51.100.9"), Duration.ofMinutes(1)))
                .isTrue();
        assertThat(controller.flush(WAIT)).isTrue();
        assertThat(NS.elements("verified4")).containsExactlyInAnyOrder("198.51.100.8", "198.51.100.9");
        assertThat(NS.elements("blocked6")).containsExactly("2001:db8:2::9");
        // The kernel's timer, not ours: nothing to advance but the wall clock.
        Thread.sleep(1500);
        assertThat(NS.elements("verified4")).containsExactly("198.51.100.9");
        assertThat(NS.elements("blocked6")).isEmpty();
    }

    @Test
    void tearDownRemovesTheTable() {
        assertThat(controller.setUp()).isTrue();
        assertThat(controller.tearDown()).isTrue();
        assertThat(NS.nft("", "list", "tables").out()).doesNotContain("synguard");
        assertThat(controller.tearDown()).as("no table: still fine").isTrue();
        assertThat(failures).isEmpty();
    }

    @Test
    void closeRemovesTheTable() {
        assertThat(controller.setUp()).isTrue();
        controller.start();
        controller.close();
        assertThat(NS.nft("", "list", "tables").out()).doesNotContain("synguard");
    }

    @Test
    void setUpReplacesAStaleTable() {
        String stale = """
                table inet synguard {
                    set junk { type ipv4_addr; }
                    chain prerouting { type filter hook prerouting priority raw; policy accept; tcp dport 22 drop; }
                }
                """;
        assertThat(NS.nft(stale, "-f", "-").status()).isZero();
        assertThat(controller.setUp()).isTrue();
        String listing = table();
        assertThat(listing)
                .doesNotContain("junk")
                .doesNotContain("tcp dport 22")
                .contains("set verified4");
        assertThat(controller.setUp()).as("twice: replaces itself").isTrue();
    }

    @Test
    void badCommandsAreRefusedBeforeNft() throws InterruptedException {
        assertThat(controller.setUp()).isTrue();
        controller.start();
        long day = Duration.ofDays(1).toMillis();
        assertThat(controller.verify(0, 0, day)).as("::").isFalse();
        assertThat(controller.verify(Address.parse("0.0.0.0"), Duration.ofDays(1)))
                .isFalse();
        assertThat(controller.verify(Address.parse("127.0.0.1"), Duration.ofDays(1)))
                .isFalse();
        assertThat(controller.block(Address.parse("224.0.0.1"), Duration.ofDays(1)))
                .isFalse();
        assertThat(controller.block(Address.parse("255.255.255.255"), Duration.ofDays(1)))
                .isFalse();
        assertThat(controller.block(Address.parse("ff02::1"), Duration.ofDays(1)))
                .isFalse();
        assertThat(controller.unblock(Address.parse("::1"))).isFalse();
        assertThat(controller.verify(Address.parse("198.51.100.1"), Duration.ZERO))
                .as("no timeout")
                .isFalse();
        assertThat(controller.verify(Address.parse("198.51.100.1"), Duration.ofDays(30)))
                .as("too long")
                .isFalse();
        NftService unknown = new NftService(SERVER4.hi(), SERVER4.lo(), 8080);
        assertThat(controller.activate(unknown)).as("not in the ruleset").isFalse();
        assertThat(controller.deactivate(null)).isFalse();
        assertThat(controller.refused()).isEqualTo(11);
        assertThat(controller.offered()).isZero();
        assertThat(controller.flush(WAIT)).isTrue();
        assertThat(controller.applied()).isZero();
        assertThat(NS.elements("verified4")).isEmpty();
        assertThat(NS.elements("blocked4")).isEmpty();
    }

    @Test
    void invalidServicesCannotBeBuilt() {
        assertThatCode(() -> new NftService(0, 0, 80)).isInstanceOf(IllegalArgumentException.class);
        assertThatCode(() -> new NftService(SERVER4.hi(), SERVER4.lo(), 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatCode(() -> new NftService(SERVER4.hi(), SERVER4.lo(), 65536))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void missingNftIsReportedAndNothingThrows() throws InterruptedException {
        NftController missing = new NftController(
                RULESET, NftController.Options.defaults().withCommand(List.of("/nonexistent/nft")), listener);
        try {
            assertThat(missing.check()).isFalse();
            assertThat(missing.setUp()).isFalse();
            assertThat(failures).hasSize(2).allSatisfy(f -> assertThat(f).contains("/nonexistent/nft"));
            missing.start();
            assertThat(missing.verify(Address.parse("198.51.100.7"), Duration.ofMinutes(1)))
                    .isTrue();
            assertThat(missing.flush(WAIT)).isTrue();
            assertThat(missing.lost()).isEqualTo(1);
            assertThat(missing.applied()).isZero();
            assertThat(failures).hasSize(3);
            assertThat(failures.get(2)).contains("cannot run").contains("/nonexistent/nft");
        } finally {
            assertThatCode(missing::close).doesNotThrowAnyException();
        }
        assertThat(failures).as("close's tear-down reports too").hasSize(4);
    }

    @Test
    void nftMissingInsideTheNamespaceIsReported() throws InterruptedException {
        // `ip netns exec` starts, then cannot exec nft: the child exits at once.
        NftController missing = new NftController(
                RULESET,
                NftController.Options.defaults()
                        .withCommand(List.of("ip", "netns", "exec", NS.name, "/nonexistent/nft")),
                listener);
        missing.start();
        assertThat(missing.verify(Address.parse("198.51.100.7"), Duration.ofMinutes(1)))
                .isTrue();
        assertThat(missing.flush(WAIT)).isTrue();
        assertThat(missing.applied()).isZero();
        assertThat(failures).isNotEmpty();
        assertThat(failures.getFirst()).contains("exited with status");
        assertThatCode(missing::close).doesNotThrowAnyException();
    }

    @Test
    void aKilledNftIsRestarted() throws InterruptedException {
        assertThat(controller.setUp()).isTrue();
        controller.start();
        assertThat(controller.verify(Address.parse("198.51.100.1"), Duration.ofMinutes(1)))
                .isTrue();
        assertThat(controller.flush(WAIT)).isTrue();
        assertThat(controller.applied()).isEqualTo(1);
        // The only process in the namespace is our nft -i.
        String pids =
                NetnsNft.run(List.of("ip", "netns", "pids", NS.name), "").out().strip();
        assertThat(pids).isNotEmpty();
        for (String pid : pids.split("\\s+")) {
            NetnsNft.run(List.of("kill", "-KILL", pid), "");
        }
        // Until a command is applied again: lost ones are counted, the failure reported once.
        for (int i = 2; i < 200 && recoveries.isEmpty(); i++) {
            controller.verify(Address.ofIpv4(0xC6336400 | i), Duration.ofMinutes(1));
            assertThat(controller.flush(WAIT)).isTrue();
            Thread.sleep(20);
        }
        assertThat(failures).hasSize(1);
        assertThat(failures.getFirst()).contains("nft -i");
        assertThat(recoveries).hasSize(1);
        assertThat(controller.starts()).isGreaterThanOrEqualTo(2);
        assertThat(controller.applied()).isGreaterThanOrEqualTo(2);
        assertThat(controller.applied() + controller.lost()).isEqualTo(controller.offered());
    }

    @Test
    void aFullQueueRefusesAndCounts() {
        NftController small = new NftController(
                RULESET,
                NftController.Options.defaults().withCommand(NS.nftCommand()).withQueueCapacity(2),
                listener);
        // Not started: nothing drains the queue.
        assertThat(small.verify(Address.parse("198.51.100.1"), Duration.ofMinutes(1)))
                .isTrue();
        assertThat(small.verify(Address.parse("198.51.100.2"), Duration.ofMinutes(1)))
                .isTrue();
        assertThat(small.verify(Address.parse("198.51.100.3"), Duration.ofMinutes(1)))
                .isFalse();
        assertThat(small.block(Address.parse("198.51.100.4"), Duration.ofMinutes(1)))
                .isFalse();
        assertThat(small.queueFull()).isEqualTo(2);
        assertThat(small.offered()).isEqualTo(2);
        assertThat(small.queued()).isEqualTo(2);
        small.close();
    }

    /** A listener that holds what a daemon would: one active service, one verified source. */
    private final List<String> restored = new CopyOnWriteArrayList<>();

    private NftController.Listener stateful() {
        return new NftController.Listener() {
            @Override
            public void nftFailed(String reason) {
                failures.add(reason);
            }

            @Override
            public int appendState(StringBuilder script) {
                NftRuleset.appendElements(script, "active4", List.of(WEB4.element()));
                NftRuleset.appendElements(script, "verified4", List.of("198.51.100.7 timeout 60000ms"));
                return 2;
            }

            @Override
            public void tableRestored(String reason, int elements, long absentAtMostMs) {
                restored.add(reason + " / " + elements + " / " + absentAtMostMs);
            }
        };
    }

    private boolean tablePresent() {
        return NS.nft("", "list", "table", "inet", "synguard").status() == 0;
    }

    private void awaitTable() throws InterruptedException {
        for (int i = 0; i < 100 && !tablePresent(); i++) {
            Thread.sleep(50);
        }
    }

    @Test
    void aTableDeletedByHandIsRestoredWithTheListenersState() throws InterruptedException {
        NftController c =
                new NftController(RULESET, NftController.Options.defaults().withCommand(NS.nftCommand()), stateful());
        try {
            assertThat(c.setUp()).isTrue();
            c.start();
            assertThat(c.activate(WEB4)).isTrue();
            assertThat(c.verify(Address.parse("198.51.100.7"), Duration.ofMinutes(1)))
                    .isTrue();
            assertThat(c.flush(WAIT)).isTrue();
            // Someone else's `nft delete table inet synguard`.
            assertThat(NS.nft("", "delete", "table", "inet", "synguard").status())
                    .isZero();
            assertThat(tablePresent()).isFalse();
            awaitTable();
            assertThat(tablePresent()).as("re-created within 5 s").isTrue();
            for (int i = 0; i < 40 && restored.isEmpty(); i++) {
                Thread.sleep(50);
            }
            assertThat(NS.elements("active4")).containsExactly("198.18.0.1 . 80");
            assertThat(NS.elements("verified4")).containsExactly("198.51.100.7");
            assertThat(table()).contains("unverified4").contains("blocked4");
            assertThat(c.restores()).isEqualTo(1);
            assertThat(restored).hasSize(1);
            assertThat(restored.getFirst()).contains("missing").contains(" / 2 / ");
            // Commands after the restore apply to the new table.
            assertThat(c.verify(Address.parse("198.51.100.8"), Duration.ofMinutes(1)))
                    .isTrue();
            assertThat(c.flush(WAIT)).isTrue();
            assertThat(NS.elements("verified4")).containsExactlyInAnyOrder("198.51.100.7", "198.51.100.8");
            assertThat(failures).isEmpty();
        } finally {
            c.close();
        }
    }

    @Test
    void aTableThatIsThereIsLeftAlone() throws InterruptedException {
        NftController c =
                new NftController(RULESET, NftController.Options.defaults().withCommand(NS.nftCommand()), stateful());
        try {
            assertThat(c.setUp()).isTrue();
            c.start();
            assertThat(c.verify(Address.parse("198.51.100.9"), Duration.ofMinutes(1)))
                    .isTrue();
            assertThat(c.flush(WAIT)).isTrue();
            // Two checks' worth of time: the probe changes nothing.
            Thread.sleep(2300);
            assertThat(c.restores()).isZero();
            assertThat(restored).isEmpty();
            assertThat(NS.elements("verified4")).containsExactly("198.51.100.9");
            assertThat(c.errorLines()).isZero();
        } finally {
            c.close();
        }
    }

    @Test
    void aTableMissingAtStartIsInstalledByTheCheck() throws InterruptedException {
        // As after a set-up that failed while nft was missing: the child runs, the table is not there.
        NftController c =
                new NftController(RULESET, NftController.Options.defaults().withCommand(NS.nftCommand()), stateful());
        try {
            c.start();
            awaitTable();
            assertThat(tablePresent()).isTrue();
            for (int i = 0; i < 40 && restored.isEmpty(); i++) {
                Thread.sleep(50);
            }
            assertThat(restored).hasSize(1);
            assertThat(NS.elements("active4")).containsExactly("198.18.0.1 . 80");
        } finally {
            c.close();
        }
    }

    @Test
    void restoreScriptsSplitLongElementLists() {
        StringBuilder s = new StringBuilder();
        List<String> many = java.util.stream.IntStream.range(0, NftRuleset.ELEMENTS_PER_LINE + 1)
                .mapToObj(i -> "198.51.100." + (i % 250) + " timeout 1000ms")
                .toList();
        NftRuleset.appendElements(s, "verified4", many);
        NftRuleset.appendElements(s, "blocked4", List.of());
        assertThat(s.toString().lines())
                .hasSize(2)
                .allSatisfy(l -> assertThat(l)
                        .startsWith("add element inet synguard verified4 { ")
                        .endsWith(" }"));
    }
}
