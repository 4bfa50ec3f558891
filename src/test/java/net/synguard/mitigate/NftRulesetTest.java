package net.synguard.mitigate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.synguard.decode.Address;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The text of both engines' tables, checked whole (a change to either is a change to what the
 * kernel runs), and checked by the real nft in a network namespace of its own (root needed;
 * those tests are skipped without it).
 */
class NftRulesetTest {
    private static final List<NftService> SERVICES = List.of(
            service("198.18.0.1", 80),
            service("198.18.0.1", 443),
            service("2001:db8::1", 443),
            service("198.18.0.9", NftService.ANY_PORT),
            service("2001:db8::9", NftService.ANY_PORT));

    /** The responder engine's script, as it was before the synproxy engine existed. */
    private static final String RESPONDER = """
            add table inet synguard
            delete table inet synguard
            table inet synguard {
                set verified4 { type ipv4_addr; flags timeout; }
                set blocked4 { type ipv4_addr; flags timeout; }
                set protected4 { type ipv4_addr . inet_service; elements = { 198.18.0.1 . 80, 198.18.0.1 . 443 }; }
                set protected_hosts4 { type ipv4_addr; elements = { 198.18.0.9 }; }
                set active4 { type ipv4_addr . inet_service; }
                set active_hosts4 { type ipv4_addr; }
                set verified6 { type ipv6_addr; flags timeout; }
                set blocked6 { type ipv6_addr; flags timeout; }
                set protected6 { type ipv6_addr . inet_service; elements = { 2001:db8::1 . 443 }; }
                set protected_hosts6 { type ipv6_addr; elements = { 2001:db8::9 }; }
                set active6 { type ipv6_addr . inet_service; }
                set active_hosts6 { type ipv6_addr; }
                chain prerouting {
                    type filter hook prerouting priority raw; policy accept;
                    tcp flags & (syn | ack) == syn ip saddr @blocked4 ip daddr . tcp dport @protected4 counter drop comment "blocked4"
                    tcp flags & (syn | ack) == syn ip saddr @blocked4 ip daddr @protected_hosts4 counter drop comment "blocked4 every port"
                    tcp flags & (syn | ack) == syn ip daddr . tcp dport @active4 ip saddr != @verified4 counter drop comment "unverified4"
                    tcp flags & (syn | ack) == syn ip daddr @active_hosts4 ip saddr != @verified4 counter drop comment "unverified4 every port"
                    tcp flags & (syn | ack) == syn ip6 saddr @blocked6 ip6 daddr . tcp dport @protected6 counter drop comment "blocked6"
                    tcp flags & (syn | ack) == syn ip6 saddr @blocked6 ip6 daddr @protected_hosts6 counter drop comment "blocked6 every port"
                    tcp flags & (syn | ack) == syn ip6 daddr . tcp dport @active6 ip6 saddr != @verified6 counter drop comment "unverified6"
                    tcp flags & (syn | ack) == syn ip6 daddr @active_hosts6 ip6 saddr != @verified6 counter drop comment "unverified6 every port"
                }
            }
            """;

    private static final String SYNPROXY = """
            add table inet synguard
            delete table inet synguard
            table inet synguard {
                set verified4 { type ipv4_addr; flags timeout; }
                set blocked4 { type ipv4_addr; flags timeout; }
                set protected4 { type ipv4_addr . inet_service; elements = { 198.18.0.1 . 80, 198.18.0.1 . 443 }; }
                set protected_hosts4 { type ipv4_addr; elements = { 198.18.0.9 }; }
                set active4 { type ipv4_addr . inet_service; }
                set active_hosts4 { type ipv4_addr; }
                set verified6 { type ipv6_addr; flags timeout; }
                set blocked6 { type ipv6_addr; flags timeout; }
                set protected6 { type ipv6_addr . inet_service; elements = { 2001:db8::1 . 443 }; }
                set protected_hosts6 { type ipv6_addr; elements = { 2001:db8::9 }; }
                set active6 { type ipv6_addr . inet_service; }
                set active_hosts6 { type ipv6_addr; }
                chain prerouting {
                    type filter hook prerouting priority raw; policy accept;
                    tcp flags & (syn | ack) == syn ip saddr @blocked4 ip daddr . tcp dport @protected4 counter drop comment "blocked4"
                    tcp flags & (syn | ack) == syn ip saddr @blocked4 ip daddr @protected_hosts4 counter drop comment "blocked4 every port"
                    tcp flags & (syn | ack) == syn ip daddr . tcp dport @active4 ip saddr != @verified4 counter notrack comment "notrack4"
                    tcp flags & (syn | ack) == syn ip daddr @active_hosts4 ip saddr != @verified4 counter notrack comment "notrack4 every port"
                    tcp flags & (syn | ack) == syn ip6 saddr @blocked6 ip6 daddr . tcp dport @protected6 counter drop comment "blocked6"
                    tcp flags & (syn | ack) == syn ip6 saddr @blocked6 ip6 daddr @protected_hosts6 counter drop comment "blocked6 every port"
                    tcp flags & (syn | ack) == syn ip6 daddr . tcp dport @active6 ip6 saddr != @verified6 counter notrack comment "notrack6"
                    tcp flags & (syn | ack) == syn ip6 daddr @active_hosts6 ip6 saddr != @verified6 counter notrack comment "notrack6 every port"
                }
                chain input {
                    type filter hook input priority filter - 10; policy accept;
                    ip daddr . tcp dport @active4 ct state invalid,untracked counter synproxy mss 1460 wscale 7 timestamp sack-perm comment "synproxy4"
                    ip daddr @active_hosts4 meta l4proto tcp ct state invalid,untracked counter synproxy mss 1460 wscale 7 timestamp sack-perm comment "synproxy4 every port"
                    ip daddr . tcp dport @active4 ct state invalid counter drop comment "invalid4"
                    ip daddr @active_hosts4 meta l4proto tcp ct state invalid counter drop comment "invalid4 every port"
                    ip6 daddr . tcp dport @active6 ct state invalid,untracked counter synproxy mss 1440 wscale 7 timestamp sack-perm comment "synproxy6"
                    ip6 daddr @active_hosts6 meta l4proto tcp ct state invalid,untracked counter synproxy mss 1440 wscale 7 timestamp sack-perm comment "synproxy6 every port"
                    ip6 daddr . tcp dport @active6 ct state invalid counter drop comment "invalid6"
                    ip6 daddr @active_hosts6 meta l4proto tcp ct state invalid counter drop comment "invalid6 every port"
                }
            }
            """;

    private static NftService service(String address, int port) {
        Address a = Address.parse(address);
        return new NftService(a.hi(), a.lo(), port);
    }

    @Test
    void responderScriptIsUnchanged() {
        NftRuleset r = new NftRuleset(SERVICES);
        assertThat(r.script()).isEqualTo(RESPONDER);
        assertThat(r.synproxyOptions()).isEmpty();
        assertThat(r.table())
                .doesNotContain("synproxy")
                .doesNotContain("notrack")
                .doesNotContain("chain input");
    }

    @Test
    void synproxyScript() {
        NftRuleset r = NftRuleset.synproxy(SERVICES, SynproxyOptions.ETHERNET);
        assertThat(r.script()).isEqualTo(SYNPROXY);
        assertThat(r.synproxyOptions()).contains(SynproxyOptions.ETHERNET);
        assertThat(r.services()).isEqualTo(SERVICES);
    }

    @Test
    void bothEnginesShareSetsAndBlocking() {
        // NftController's commands name these sets: they must be the same in both tables.
        List<String> responder = shared(new NftRuleset(SERVICES).script());
        List<String> synproxy =
                shared(NftRuleset.synproxy(SERVICES, SynproxyOptions.ETHERNET).script());
        assertThat(synproxy).isEqualTo(responder).hasSize(12 + 4);
    }

    /** Set declarations and blocked-source rules. */
    private static List<String> shared(String script) {
        List<String> out = new ArrayList<>();
        for (String line : script.split("\n")) {
            if (line.startsWith("    set ") || line.contains("@blocked")) {
                out.add(line);
            }
        }
        return out;
    }

    @Test
    void synproxyOptionsGoIntoTheRules() {
        String table = NftRuleset.synproxy(SERVICES, new SynproxyOptions(1400, 1380, 10))
                .table();
        assertThat(table)
                .contains("ip daddr . tcp dport @active4 ct state invalid,untracked counter synproxy mss 1400 wscale 10"
                        + " timestamp sack-perm comment \"synproxy4\"")
                .contains(
                        "ip6 daddr . tcp dport @active6 ct state invalid,untracked counter synproxy mss 1380 wscale 10"
                                + " timestamp sack-perm comment \"synproxy6\"");
    }

    @Test
    void noServicesStillMakesAValidTable() {
        assertThat(NftRuleset.synproxy(List.of(), SynproxyOptions.ETHERNET).table())
                .contains("set protected4 { type ipv4_addr . inet_service; }")
                .contains("chain input {");
    }

    @Test
    void synproxyOptionsAreChecked() {
        assertThatThrownBy(() -> new SynproxyOptions(535, 1440, 7))
                .hasMessage("synproxy mss 535 for IPv4 out of range (expected 536..65495)");
        assertThatThrownBy(() -> new SynproxyOptions(1460, 1219, 7))
                .hasMessage("synproxy mss 1219 for IPv6 out of range (expected 1220..65475)");
        assertThatThrownBy(() -> new SynproxyOptions(1460, 1440, 15))
                .hasMessage("synproxy wscale 15 out of range (expected 0..14)");
        assertThatThrownBy(() -> new SynproxyOptions(1460, 1440, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NftRuleset.synproxy(SERVICES, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void windowScaleAsLinuxChoosesIt() {
        // tcp_select_initial_window: ilog2(max(tcp_rmem[2], rmem_max)) - 15, within 0..14.
        assertThat(SynproxyOptions.linuxWscale(6_291_456, 212_992))
                .as("6 MiB, Linux < 6.14")
                .isEqualTo(7);
        assertThat(SynproxyOptions.linuxWscale(33_554_432, 4_194_304))
                .as("32 MiB, Linux >= 6.14")
                .isEqualTo(10);
        assertThat(SynproxyOptions.linuxWscale(4_194_304, 16_777_216))
                .as("rmem_max larger")
                .isEqualTo(9);
        assertThat(SynproxyOptions.linuxWscale(65_535, 0)).isZero();
        assertThat(SynproxyOptions.linuxWscale(-1, -1)).isZero();
        assertThat(SynproxyOptions.linuxWscale(Long.MAX_VALUE, 0)).isEqualTo(14);
    }

    @Test
    void optionsOfAHost(@TempDir Path net) throws IOException {
        assertThat(SynproxyOptions.ofHost(net)).as("nothing readable").isEqualTo(SynproxyOptions.ETHERNET);
        Files.createDirectories(net.resolve("ipv4"));
        Files.createDirectories(net.resolve("core"));
        Files.writeString(net.resolve("ipv4/tcp_rmem"), "4096\t131072\t33554432\n");
        assertThat(SynproxyOptions.ofHost(net)).isEqualTo(new SynproxyOptions(1460, 1440, 10));
        Files.writeString(net.resolve("ipv4/tcp_rmem"), "4096\t131072\t6291456\n");
        Files.writeString(net.resolve("core/rmem_max"), "212992\n");
        assertThat(SynproxyOptions.ofHost(net)).isEqualTo(new SynproxyOptions(1460, 1440, 7));
        Files.writeString(net.resolve("core/rmem_max"), "garbage\n");
        assertThat(SynproxyOptions.ofHost(net).wscale()).as("the readable one").isEqualTo(7);
    }

    // ------------------------------------------------------------------ the real nft

    @Test
    void bothScriptsPassNftInANamespace() {
        assumeTrue(NetnsNft.available(), "needs root, ip and nft");
        NetnsNft ns = new NetnsNft("sgrules");
        ns.create();
        try {
            for (NftRuleset r : List.of(
                    new NftRuleset(SERVICES),
                    NftRuleset.synproxy(SERVICES, SynproxyOptions.ETHERNET),
                    NftRuleset.synproxy(List.of(), new SynproxyOptions(536, 1220, 0)),
                    NftRuleset.synproxy(SERVICES))) {
                NetnsNft.Result check = ns.nft(r.script(), "-c", "-f", "-");
                assertThat(check.status()).as(check.out()).isZero();
            }
        } finally {
            ns.delete();
        }
    }

    @Test
    void theControllerDrivesTheSynproxyTableUnchanged() throws InterruptedException {
        assumeTrue(NetnsNft.available(), "needs root, ip and nft");
        NetnsNft ns = new NetnsNft("sgrules");
        ns.create();
        List<String> failures = new ArrayList<>();
        NftRuleset ruleset = NftRuleset.synproxy(SERVICES, SynproxyOptions.ETHERNET);
        NftController nft = new NftController(
                ruleset, NftController.Options.defaults().withCommand(ns.nftCommand()), failures::add);
        try {
            assertThat(nft.check()).isTrue();
            assertThat(nft.setUp()).isTrue();
            nft.start();
            assertThat(nft.activate(SERVICES.get(0))).isTrue();
            assertThat(nft.activate(SERVICES.get(2))).isTrue();
            assertThat(nft.activate(SERVICES.get(3))).isTrue();
            assertThat(nft.block(Address.parse("198.51.100.9"), Duration.ofMinutes(1)))
                    .isTrue();
            assertThat(nft.verify(Address.parse("198.51.100.7"), Duration.ofMinutes(1)))
                    .isTrue();
            assertThat(nft.flush(Duration.ofSeconds(5))).isTrue();
            assertThat(ns.elements("active4")).containsExactly("198.18.0.1 . 80");
            assertThat(ns.elements("active6")).containsExactly("2001:db8::1 . 443");
            assertThat(ns.elements("active_hosts4")).containsExactly("198.18.0.9");
            assertThat(ns.elements("blocked4")).containsExactly("198.51.100.9");
            assertThat(ns.elements("verified4")).containsExactly("198.51.100.7");
            String listing = ns.nft("", "list", "table", "inet", "synguard").out();
            assertThat(listing)
                    .contains("type filter hook input priority filter - 10; policy accept;")
                    .contains("ip daddr . tcp dport @active4 ct state invalid,untracked counter packets 0 bytes 0"
                            + " synproxy mss 1460 wscale 7 timestamp sack-perm comment \"synproxy4\"")
                    .contains("ip daddr . tcp dport @active4 ip saddr != @verified4 counter packets 0 bytes 0"
                            + " notrack comment \"notrack4\"");
            assertThat(nft.deactivate(SERVICES.get(0))).isTrue();
            assertThat(nft.flush(Duration.ofSeconds(5))).isTrue();
            assertThat(ns.elements("active4")).isEmpty();
            assertThat(nft.failedCommands()).isZero();
            assertThat(failures).isEmpty();
        } finally {
            nft.close();
            String tables = ns.nft("", "list", "tables").out();
            ns.delete();
            assertThat(tables).as("close removes the table").doesNotContain("synguard");
        }
    }
}
