package net.synguard.mitigate;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The text of synguard's own nftables table, {@code table inet synguard}, and the scripts that
 * install and remove it.
 *
 * <pre>
 *  set verified4/6   sources that answered a SYN cookie (timeout per element)
 *  set blocked4/6    sources blocked for flooding (timeout per element)
 *  set protected4/6  address . port of every protected service (fixed at set-up)
 *  set protected_hosts4/6   addresses protected on every port
 *  set active4/6, active_hosts4/6   the protected services under enforcement now (the daemon
 *                    adds and removes elements)
 *  chain prerouting  hook prerouting, priority raw (-300): before conntrack, so a dropped SYN
 *                    costs the kernel no connection-tracking entry; policy accept
 *    SYN from a blocked source to a protected service          counter drop
 *    SYN to an active service from a source not verified       counter drop
 *                                            (kernel-synproxy: counter notrack, see below)
 *  chain input       kernel-synproxy only: hook input, priority filter - 10; policy accept
 *    to an active service, ct state invalid or untracked       counter synproxy (cookie SYN-ACK)
 *    to an active service, ct state invalid                    counter drop
 * </pre>
 *
 * <p>"SYN" is {@code tcp flags & (syn | ack) == syn}: a connection request, not a SYN-ACK (which
 * the host's own outgoing connections receive). Every other packet passes untouched, so only new
 * connections are ever affected and established ones never. Blocked sources are dropped only on
 * protected services: a false positive must not lock an operator out of ssh on the same host.
 * Enforcement is switched per service by the {@code active} sets, so turning it on or off is one
 * element update, never a rule rewrite. IPv4 and IPv6 have their own sets because an nftables set
 * holds one address type. "Every port" has sets of its own rather than a {@code 0-65535} element
 * in an interval set: nft 1.0.6 crashes (SIGSEGV) on a line that adds, deletes and adds the same
 * element of an interval set of concatenations, which is how {@link NftCommand} writes updates.
 *
 * <p>libpcap's packet socket sees each frame before netfilter (dev_queue_xmit_nit /
 * __netif_receive_skb_core deliver to packet taps before the prerouting hook), so the responder
 * still sees and answers every SYN that this table drops.
 *
 * <p>The kernel-synproxy engine ({@link #synproxy}) has the same sets, activation and blocking, so
 * {@link NftController} drives it unchanged; the kernel answers instead of the responder, as in
 * nft(8), SYNPROXY STATEMENT. A SYN to an active service is not tracked; in the input chain the
 * synproxy statement answers it with a SYN cookie (the listener's queue never sees it), checks the
 * cookie in the client's ACK, which conntrack calls invalid, and only then opens the connection to
 * the listener, translating sequence numbers for its lifetime. What is still invalid after that
 * (an ACK with a bad cookie, a stray segment) is dropped. Verified sources skip the proxy: their
 * SYNs are tracked and reach the listener with every option they offered. The input chain runs at
 * {@code filter - 10}, ahead of a host firewall's own filter chains, which commonly drop {@code ct
 * state invalid}: the state of the handshake's last ACK. What the engine needs from the kernel:
 *
 * <ul>
 *   <li>nf_tables synproxy and conntrack (CONFIG_NFT_SYNPROXY; the table's {@code ct} rules load
 *       conntrack in the namespace);
 *   <li>{@code net.netfilter.nf_conntrack_tcp_loose = 0} while a service is active: otherwise
 *       conntrack takes the handshake's last ACK for a connection it picked up mid-stream, the ACK
 *       bypasses the proxy and the listener answers it with an RST ({@link KernelPlaybook} sets it;
 *       measured in tests/e2e/66-nft-synproxy.sh). The price: while active, connections to the
 *       service that conntrack did not see open (older than the table, or after a conntrack
 *       flush) are invalid and dropped;
 *   <li>MSS and window scale equal to the server's ({@link SynproxyOptions}); timestamps on the
 *       clients to carry window scaling and SACK in the cookie (without them both are off).
 * </ul>
 */
public final class NftRuleset {
    public static final String FAMILY = "inet";
    public static final String TABLE = "synguard";
    /** {@code family table} as nft commands name it. */
    public static final String QUALIFIED = FAMILY + " " + TABLE;

    private final List<NftService> services;
    /** Null for the responder engine's table. */
    private final SynproxyOptions synproxy;

    /** The responder engine's table: unverified SYNs to an active service are dropped. */
    public NftRuleset(List<NftService> services) {
        this(services, null);
    }

    private NftRuleset(List<NftService> services, SynproxyOptions synproxy) {
        this.services = List.copyOf(new LinkedHashSet<>(services));
        this.synproxy = synproxy;
    }

    /**
     * The kernel-synproxy engine's table with this host's options ({@link SynproxyOptions#ofHost}
     * of {@code /proc/sys/net}, read now: Ethernet MSS, the window scale of its listeners).
     */
    public static NftRuleset synproxy(List<NftService> services) {
        return synproxy(services, SynproxyOptions.ofHost(Path.of("/proc/sys/net")));
    }

    /** The kernel-synproxy engine's table: unverified SYNs to an active service go to the kernel's synproxy. */
    public static NftRuleset synproxy(List<NftService> services, SynproxyOptions options) {
        return new NftRuleset(services, Objects.requireNonNull(options, "options"));
    }

    /** The synproxy options, empty for the responder engine's table. */
    public Optional<SynproxyOptions> synproxyOptions() {
        return Optional.ofNullable(synproxy);
    }

    public List<NftService> services() {
        return services;
    }

    public boolean protects(NftService service) {
        return services.contains(service);
    }

    /**
     * The set-up script for {@code nft -f}: one transaction that removes any earlier table of ours
     * (a crash's leftover) and installs a fresh one. {@code add} before {@code delete} makes the
     * delete succeed whether or not the table existed (nft 1.0.6 has no {@code destroy}).
     */
    public String script() {
        return removeScript() + table();
    }

    /** Removes the table if it exists, and does nothing otherwise (the unit's ExecStopPost does the same). */
    public static String removeScript() {
        return "add table " + QUALIFIED + "\ndelete table " + QUALIFIED + "\n";
    }

    /** Elements per {@code add element} line of a restore script: lines of about 8 KiB. */
    static final int ELEMENTS_PER_LINE = 256;

    /**
     * Appends {@code add element inet synguard SET { ... }} lines with {@code elements} (nft element
     * text, e.g. {@code 198.18.0.5 timeout 5000ms}) to a script for {@code nft -f}; nothing when
     * there are none.
     */
    static void appendElements(StringBuilder script, String set, List<String> elements) {
        for (int i = 0; i < elements.size(); i += ELEMENTS_PER_LINE) {
            script.append("add element ")
                    .append(QUALIFIED)
                    .append(' ')
                    .append(set)
                    .append(" { ")
                    .append(String.join(", ", elements.subList(i, Math.min(elements.size(), i + ELEMENTS_PER_LINE))))
                    .append(" }\n");
        }
    }

    /** {@code table inet synguard { ... }} alone. */
    public String table() {
        StringBuilder t = new StringBuilder(4096);
        t.append("table ").append(QUALIFIED).append(" {\n");
        for (String f : List.of("4", "6")) {
            String addr = f.equals("4") ? "ipv4_addr" : "ipv6_addr";
            t.append("    set verified")
                    .append(f)
                    .append(" { type ")
                    .append(addr)
                    .append("; flags timeout; }\n");
            t.append("    set blocked")
                    .append(f)
                    .append(" { type ")
                    .append(addr)
                    .append("; flags timeout; }\n");
            t.append("    set protected")
                    .append(f)
                    .append(" { type ")
                    .append(addr)
                    .append(" . inet_service;")
                    .append(elements(f.equals("4"), false))
                    .append(" }\n");
            t.append("    set protected_hosts")
                    .append(f)
                    .append(" { type ")
                    .append(addr)
                    .append(";")
                    .append(elements(f.equals("4"), true))
                    .append(" }\n");
            t.append("    set active").append(f).append(" { type ").append(addr).append(" . inet_service; }\n");
            t.append("    set active_hosts")
                    .append(f)
                    .append(" { type ")
                    .append(addr)
                    .append("; }\n");
        }
        t.append("    chain prerouting {\n");
        t.append("        type filter hook prerouting priority raw; policy accept;\n");
        for (String f : List.of("4", "6")) {
            String ip = f.equals("4") ? "ip" : "ip6";
            synDrop(t, ip + " saddr @blocked" + f + " " + ip + " daddr . tcp dport @protected" + f, "blocked" + f);
            synDrop(
                    t,
                    ip + " saddr @blocked" + f + " " + ip + " daddr @protected_hosts" + f,
                    "blocked" + f + " every port");
            String verdict = synproxy == null ? "drop" : "notrack";
            String comment = synproxy == null ? "unverified" : "notrack";
            synRule(
                    t,
                    ip + " daddr . tcp dport @active" + f + " " + ip + " saddr != @verified" + f,
                    verdict,
                    comment + f);
            synRule(
                    t,
                    ip + " daddr @active_hosts" + f + " " + ip + " saddr != @verified" + f,
                    verdict,
                    comment + f + " every port");
        }
        t.append("    }\n");
        if (synproxy != null) {
            synproxyChain(t);
        }
        t.append("}\n");
        return t.toString();
    }

    /**
     * The input chain of the kernel-synproxy engine (nft(8), SYNPROXY STATEMENT): after conntrack
     * (whose hook is at -200, so {@code ct state} is known) and ahead of the host's own filter
     * chains. For every port of a host, {@code meta l4proto tcp}: other protocols are not ours.
     */
    private void synproxyChain(StringBuilder t) {
        t.append("    chain input {\n");
        t.append("        type filter hook input priority filter - 10; policy accept;\n");
        for (String f : List.of("4", "6")) {
            String ip = f.equals("4") ? "ip" : "ip6";
            int mss = f.equals("4") ? synproxy.mss4() : synproxy.mss6();
            String proxy = "counter synproxy mss " + mss + " wscale " + synproxy.wscale() + " timestamp sack-perm";
            String port = ip + " daddr . tcp dport @active" + f;
            String host = ip + " daddr @active_hosts" + f + " meta l4proto tcp";
            rule(t, port + " ct state invalid,untracked " + proxy, "synproxy" + f);
            rule(t, host + " ct state invalid,untracked " + proxy, "synproxy" + f + " every port");
            rule(t, port + " ct state invalid counter drop", "invalid" + f);
            rule(t, host + " ct state invalid counter drop", "invalid" + f + " every port");
        }
        t.append("    }\n");
    }

    /** Name of the set (without the family digit) that holds {@code service} when protected or active. */
    static String setFor(String base, NftService service) {
        return (service.port() == NftService.ANY_PORT ? base + "_hosts" : base) + (service.isIpv4() ? "4" : "6");
    }

    private String elements(boolean ipv4, boolean hosts) {
        Set<String> seen = new LinkedHashSet<>();
        for (NftService s : services) {
            if (s.isIpv4() == ipv4 && (s.port() == NftService.ANY_PORT) == hosts) {
                seen.add(s.element());
            }
        }
        return seen.isEmpty() ? "" : " elements = { " + String.join(", ", seen) + " };";
    }

    /** One rule of the chain: a SYN (SYN set, ACK clear) that {@code match}es is counted and dropped. */
    private static void synDrop(StringBuilder t, String match, String comment) {
        synRule(t, match, "drop", comment);
    }

    /** A SYN (SYN set, ACK clear) that {@code match}es is counted and gets {@code verdict}. */
    private static void synRule(StringBuilder t, String match, String verdict, String comment) {
        rule(t, "tcp flags & (syn | ack) == syn " + match + " counter " + verdict, comment);
    }

    private static void rule(StringBuilder t, String body, String comment) {
        t.append("        ").append(body).append(" comment \"").append(comment).append("\"\n");
    }
}
