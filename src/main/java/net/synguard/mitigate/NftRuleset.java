package net.synguard.mitigate;

import java.util.LinkedHashSet;
import java.util.List;
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
 */
public final class NftRuleset {
    public static final String FAMILY = "inet";
    public static final String TABLE = "synguard";
    /** {@code family table} as nft commands name it. */
    public static final String QUALIFIED = FAMILY + " " + TABLE;

    private final List<NftService> services;

    public NftRuleset(List<NftService> services) {
        this.services = List.copyOf(new LinkedHashSet<>(services));
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
            synDrop(t, ip + " daddr . tcp dport @active" + f + " " + ip + " saddr != @verified" + f, "unverified" + f);
            synDrop(
                    t,
                    ip + " daddr @active_hosts" + f + " " + ip + " saddr != @verified" + f,
                    "unverified" + f + " every port");
        }
        t.append("    }\n");
        t.append("}\n");
        return t.toString();
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
        t.append("        tcp flags & (syn | ack) == syn ")
                .append(match)
                .append(" counter drop comment \"")
                .append(comment)
                .append("\"\n");
    }
}
