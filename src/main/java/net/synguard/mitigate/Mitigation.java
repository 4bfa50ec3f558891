package net.synguard.mitigate;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import net.synguard.alert.AlertSink;
import net.synguard.alert.JsonLine;
import net.synguard.alert.Timestamps;
import net.synguard.capture.FrameSender;
import net.synguard.config.MitigationConfig;
import net.synguard.config.MitigationConfig.Engine;
import net.synguard.config.MitigationConfig.Mode;
import net.synguard.config.ProtectedService;
import net.synguard.config.SynguardConfig;
import net.synguard.decode.Address;
import net.synguard.decode.Addresses;
import net.synguard.detect.AttackListener;
import net.synguard.detect.Classification;
import net.synguard.detect.Verdict;
import net.synguard.time.WallClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's mitigation (DESIGN.md, "Mitigation"): starts and stops enforcement with the attacks
 * the capture threads detect ({@code mode}), owns the nftables table ({@link NftController}), the
 * cookie keys, the verified sources, the blocks of few-source floods and the kernel playbook, and
 * writes {@code mitigation_started}, {@code mitigation_stopped}, {@code mitigation_error}, {@code
 * source_blocked}, {@code source_unblocked} and {@code kernel_tuning} events.
 *
 * <pre>
 *   capture threads ── attack started/ended ──▶ Mitigation (synchronized; never blocks)
 *        │  Responder: target(dst)? verified(src)?          │ nft -i child: activate, verify, block
 *        └─ SYN-ACKs on their own handle                    │ worker thread: purge half-open (ss -K),
 *                                                           │ kernel playbook, housekeeping (1 s)
 * </pre>
 *
 * <p>Fail open: the table is replaced at start (a crash's leftover goes), removed at stop (and by
 * the unit's ExecStopPost). While nft fails, the responder stands down: without the drop rule the
 * kernel answers the SYNs itself, and a second SYN-ACK from us would double every answer.
 */
public final class Mitigation implements AttackListener, NftController.Listener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Mitigation.class);
    /** Linux's cookie counter period ({@code TCP_SYNCOOKIE_PERIOD}); a cookie lives two. */
    static final long COOKIE_PERIOD_NS = 60_000_000_000L;

    /** Responder counters, all capture threads together. */
    static final class Counters {
        final LongAdder synAcksSent = new LongAdder();
        final LongAdder retrySynAcks = new LongAdder();
        final LongAdder resetSynAcks = new LongAdder();
        final LongAdder resetsSent = new LongAdder();
        final LongAdder notAnswerable = new LongAdder();
        final LongAdder ownSource = new LongAdder();
        final LongAdder backedOff = new LongAdder();
        final LongAdder rateLimited = new LongAdder();
        final LongAdder sendFailed = new LongAdder();
        final LongAdder badCookies = new LongAdder();
        final LongAdder sourcesVerified = new LongAdder();
    }

    private record Block(String attackId, long untilNs, long sinceNs) {}

    private final MitigationConfig cfg;
    private final List<ProtectedService> protect;
    private final int ipv4PrefixLength;
    private final int ipv6PrefixLength;
    private final AlertSink sink;
    private final CookieKeys keys;
    private final CookieCodec codec;
    private final VerifiedSources verified;
    private final OwnAddresses own = new OwnAddresses();
    private final NftController nft;
    private final KernelPlaybook playbook;
    private final Counters counters = new Counters();
    private final ScheduledExecutorService worker;
    private final LongAdder purged = new LongAdder();

    private volatile ActiveTarget[] active = new ActiveTarget[0];
    private volatile boolean enforcing;
    private volatile boolean started;

    // Guarded by this.
    private final Map<Address, ActiveTarget> targets = new LinkedHashMap<>();
    private final Map<Address, Set<String>> attacksOn = new HashMap<>();
    private final Map<String, long[]> baselines = new HashMap<>();
    private final Map<Address, Block> blocks = new LinkedHashMap<>();
    private long mitigations;
    private long blocked;
    private int housekeepingRuns;

    private Mitigation(SynguardConfig c, AlertSink sink, CookieKeys keys, Path procSysNetIpv4) {
        this.cfg = c.mitigation();
        this.protect = c.protect();
        this.ipv4PrefixLength = c.pressure().ipv4PrefixLength();
        this.ipv6PrefixLength = c.pressure().ipv6PrefixLength();
        this.sink = sink;
        this.keys = keys;
        this.codec = new CookieCodec(keys);
        this.verified = new VerifiedSources(cfg.verifiedTimeout());
        List<NftService> services = new ArrayList<>();
        for (ProtectedService p : protect) {
            services.addAll(NftService.of(p));
        }
        NftRuleset ruleset =
                cfg.engine() == Engine.KERNEL_SYNPROXY ? NftRuleset.synproxy(services) : new NftRuleset(services);
        this.nft = new NftController(ruleset, NftController.Options.defaults().withCommand(cfg.nftCommand()), this);
        MitigationConfig.Kernel k = cfg.kernel();
        // The synproxy engine needs conntrack's strict TCP tracking while it is active: with
        // nf_conntrack_tcp_loose=1 conntrack adopts the client's third ACK as a new connection and
        // synproxy never sees it, so every proxied handshake ends in the server's RST.
        this.playbook = new KernelPlaybook(
                procSysNetIpv4,
                k.syncookies(),
                k.maxSynBacklog(),
                k.synackRetries(),
                cfg.engine() == Engine.KERNEL_SYNPROXY ? java.util.OptionalInt.of(0) : java.util.OptionalInt.empty());
        ScheduledThreadPoolExecutor w = new ScheduledThreadPoolExecutor(
                1, r -> Thread.ofPlatform().daemon().name("mitigation").unstarted(r));
        w.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.worker = w;
    }

    /**
     * The daemon's mitigation for {@code c}. Cookie keys come from the state directory when the
     * responder may run; otherwise (mode off, the synproxy engine) they are never used and live in
     * memory.
     *
     * @throws CookieKeysException when the key file cannot be read or written
     */
    public static Mitigation create(SynguardConfig c, AlertSink sink, Path procSysNetIpv4) throws CookieKeysException {
        MitigationConfig m = c.mitigation();
        long rotationNs = m.cookieKeyRotation().toNanos();
        CookieKeys keys = m.mode() != Mode.OFF && m.engine() == Engine.RESPONDER
                ? CookieKeys.open(c.stateDir(), COOKIE_PERIOD_NS, rotationNs)
                : CookieKeys.ephemeral(COOKIE_PERIOD_NS, rotationNs);
        keys.loadWarning().ifPresent(w -> LOG.warn("{}", w));
        return new Mitigation(c, sink, keys, procSysNetIpv4);
    }

    /**
     * Removes a crash's leftover table; unless the mode is off, installs the table, starts the nft
     * child and, in mode always, enforcement for every protected service.
     */
    public void start() {
        own.refresh();
        if (cfg.mode() == Mode.OFF) {
            // Fail open after a crash of a run with mitigation on; nothing else to do.
            nft.tearDown();
            return;
        }
        if (protect.isEmpty()) {
            LOG.warn(
                    "mitigation.mode = {} but protect = [ ]: nothing to mitigate (mitigation needs an explicit"
                            + " protect list)",
                    cfg.mode().configName());
        }
        enforcing = nft.setUp();
        nft.start();
        started = true;
        if (cfg.mode() == Mode.ALWAYS) {
            long now = WallClock.nowNs();
            synchronized (this) {
                for (ProtectedService p : protect) {
                    activate(new Address(p.addressHi(), p.addressLo()), null, now);
                }
            }
        }
        worker.scheduleAtFixedRate(this::housekeeping, 1, 1, TimeUnit.SECONDS);
        LOG.info(
                "mitigation: mode {}, engine {}, handoff {}, table {}",
                cfg.mode().configName(),
                cfg.engine().configName(),
                cfg.handoff().configName(),
                enforcing ? "installed" : "NOT installed (failing open)");
    }

    /**
     * The responder for one capture, or null when this capture cannot or need not answer: mode off,
     * the synproxy engine, or a link type whose frames cannot be turned around (not Ethernet).
     */
    public Responder responder(int linkType, FrameSender sender) {
        if (cfg.mode() == Mode.OFF || cfg.engine() != Engine.RESPONDER || !SynAckBuilder.supports(linkType)) {
            return null;
        }
        return new Responder(this, linkType, sender);
    }

    // ------------------------------------------------------------------ the responder's view

    /** The target {@code (hi, lo)} while it is under enforcement, else null. Hot path: no allocation. */
    ActiveTarget target(long hi, long lo) {
        if (!enforcing) {
            return null;
        }
        ActiveTarget[] a = active;
        for (ActiveTarget t : a) {
            if (t.hi == hi && t.lo == lo) {
                return t;
            }
        }
        return null;
    }

    /** A source answered a cookie: let it through, here and in the kernel. */
    void verify(long hi, long lo) {
        if (verified.add(hi, lo)) {
            counters.sourcesVerified.increment();
        }
        nft.verify(hi, lo, cfg.verifiedTimeout().toMillis());
    }

    CookieCodec codec() {
        return codec;
    }

    MitigationConfig config() {
        return cfg;
    }

    VerifiedSources verified() {
        return verified;
    }

    OwnAddresses ownAddresses() {
        return own;
    }

    Counters counters() {
        return counters;
    }

    int ipv4PrefixLength() {
        return ipv4PrefixLength;
    }

    int ipv6PrefixLength() {
        return ipv6PrefixLength;
    }

    // ------------------------------------------------------------------ attacks (capture threads)

    @Override
    public synchronized void started(String attackId, long hi, long lo, Verdict verdict, long nowNs) {
        Address target = new Address(hi, lo);
        if (cfg.mode() == Mode.AUTO && started) {
            activate(target, attackId, nowNs);
        } else if (cfg.mode() == Mode.ALWAYS && targets.containsKey(target)) {
            attacksOn.computeIfAbsent(target, k -> new LinkedHashSet<>()).add(attackId);
        }
        ActiveTarget t = targets.get(target);
        if (t != null) {
            baselines.put(attackId, new long[] {t.synAcksSent(), t.sourcesVerified(), t.synsDropped(), blocked});
        }
        blockFewSources(attackId, verdict, nowNs);
    }

    @Override
    public synchronized void updated(String attackId, long hi, long lo, Verdict verdict, long nowNs) {
        blockFewSources(attackId, verdict, nowNs);
    }

    @Override
    public synchronized void ended(String attackId, long hi, long lo, long nowNs) {
        baselines.remove(attackId);
        Address target = new Address(hi, lo);
        Set<String> ids = attacksOn.get(target);
        if (ids == null) {
            return;
        }
        ids.remove(attackId);
        if (ids.isEmpty() && cfg.mode() == Mode.AUTO) {
            deactivate(target, attackId, nowNs);
        }
    }

    @Override
    public synchronized void addTo(String attackId, JsonLine j) {
        long[] base = baselines.get(attackId);
        Address target = null;
        for (Map.Entry<Address, Set<String>> e : attacksOn.entrySet()) {
            if (e.getValue().contains(attackId)) {
                target = e.getKey();
            }
        }
        ActiveTarget t = target == null ? null : targets.get(target);
        if (t == null || base == null) {
            j.field("mode", cfg.mode() == Mode.OFF ? "monitor" : "none")
                    .field("cookies_sent", 0)
                    .field("sources_verified", 0)
                    .field("syns_dropped", 0);
            return;
        }
        j.field("mode", cfg.mode().configName())
                .field("engine", cfg.engine().configName())
                .field("handoff", cfg.handoff().configName())
                .field("cookies_sent", t.synAcksSent() - base[0])
                .field("sources_verified", t.sourcesVerified() - base[1])
                .field("syns_dropped", t.synsDropped() - base[2])
                .field("sources_blocked", blocked - base[3]);
    }

    /** Starts enforcement for the protected services at {@code target}; null id: mode always. */
    private void activate(Address target, String attackId, long nowNs) {
        ActiveTarget t = targets.get(target);
        if (t == null) {
            List<NftService> services = servicesAt(target);
            if (services.isEmpty()) {
                return;
            }
            t = new ActiveTarget(target.hi(), target.lo(), Addresses.format(target), services, nowNs);
            targets.put(target, t);
            active = targets.values().toArray(new ActiveTarget[0]);
            for (NftService s : services) {
                nft.activate(s);
            }
            mitigations++;
            boolean first = targets.size() == 1;
            ActiveTarget started = t;
            worker.execute(() -> afterActivation(started, first));
            JsonLine j = event("mitigation_started", nowNs, attackId)
                    .field("target", t.text)
                    .field("reason", attackId == null ? "mode_always" : "attack");
            services(j, services);
            j.field("mode", cfg.mode().configName())
                    .field("engine", cfg.engine().configName())
                    .field("handoff", cfg.handoff().configName())
                    .field("enforcing", enforcing);
            sink.publish(
                    "mitigation_started",
                    j.build(),
                    "mitigation_started for " + t.text + " " + services + " ("
                            + cfg.engine().configName() + ", " + cfg.handoff().configName() + ")"
                            + (enforcing ? "" : ": nft NOT working, failing open"));
        }
        if (attackId != null) {
            attacksOn.computeIfAbsent(target, k -> new LinkedHashSet<>()).add(attackId);
        }
    }

    private void deactivate(Address target, String attackId, long nowNs) {
        ActiveTarget t = targets.remove(target);
        attacksOn.remove(target);
        if (t == null) {
            return;
        }
        active = targets.values().toArray(new ActiveTarget[0]);
        for (NftService s : t.services) {
            nft.deactivate(s);
        }
        JsonLine j = event("mitigation_stopped", nowNs, attackId)
                .field("target", t.text)
                .field("duration_s", (nowNs - t.startedNs) / 1e9, 3)
                .field("cookies_sent", t.synAcksSent())
                .field("sources_verified", t.sourcesVerified())
                .field("syns_dropped", t.synsDropped())
                .field("syns_passed", t.synsPassed());
        sink.publish(
                "mitigation_stopped",
                j.build(),
                "mitigation_stopped for " + t.text + ": " + t.synAcksSent() + " cookies sent, " + t.sourcesVerified()
                        + " sources verified, " + t.synsDropped() + " SYNs dropped");
        if (targets.isEmpty() && !playbook.isEmpty()) {
            worker.execute(() -> kernelTuning(playbook.restore(), "restored"));
        }
    }

    private List<NftService> servicesAt(Address target) {
        List<NftService> out = new ArrayList<>();
        for (ProtectedService p : protect) {
            if (p.addressHi() == target.hi() && p.addressLo() == target.lo()) {
                out.addAll(NftService.of(p));
            }
        }
        return out;
    }

    /**
     * A few real sources flooding: block each top source with at least {@code min-share} of the
     * attack's SYNs, on the protected services only, for the block timeout.
     */
    private void blockFewSources(String attackId, Verdict v, long nowNs) {
        if (cfg.mode() == Mode.OFF
                || !cfg.block().enabled()
                || v.classification() != Classification.FEW_SOURCES
                || v.topSources().isEmpty()
                || v.topShare() <= 0) {
            return;
        }
        double total = v.topSources().get(0).syns() / v.topShare();
        for (Verdict.SourceCount s : v.topSources()) {
            double share = s.syns() / total;
            if (share < cfg.block().minShare()) {
                continue;
            }
            Address source = Addresses.parse(s.address());
            if (source == null || blocks.containsKey(source) || own.contains(source.hi(), source.lo())) {
                continue;
            }
            long timeoutMs = cfg.block().timeout().toMillis();
            boolean queued = nft.block(source.hi(), source.lo(), timeoutMs);
            // Expiry runs on the housekeeping thread's wall clock (the kernel's element times out on
            // its own clock too), not on this capture thread's packet time.
            long wallNs = WallClock.nowNs();
            blocks.put(source, new Block(attackId, wallNs + timeoutMs * 1_000_000L, wallNs));
            blocked++;
            JsonLine j = event("source_blocked", nowNs, attackId)
                    .field("source", s.address())
                    .field("syns", s.syns())
                    .field("share", share, 3)
                    .field("timeout_s", timeoutMs / 1000)
                    .field("reason", "few_sources")
                    .field("enforced", queued && enforcing);
            sink.publish(
                    "source_blocked",
                    j.build(),
                    "source_blocked " + s.address() + " for " + timeoutMs / 1000 + " s (" + Math.round(share * 100)
                            + "% of the SYNs of attack " + attackId + ")");
        }
    }

    // ------------------------------------------------------------------ worker thread

    private void afterActivation(ActiveTarget t, boolean first) {
        if (cfg.purgeHalfOpen() && cfg.engine() == Engine.RESPONDER) {
            for (NftService s : t.services) {
                int n = purgeHalfOpen(s);
                if (n > 0) {
                    purged.add(n);
                    LOG.info("purged {} half-open connections to {} queued before mitigation", n, s);
                }
            }
        }
        if (first && !playbook.isEmpty()) {
            kernelTuning(playbook.apply(), "applied");
        }
    }

    /**
     * Destroys the kernel's SYN_RECV entries of {@code s} ({@code ss -K}, SOCK_DESTROY: needs
     * CAP_NET_ADMIN and a kernel with CONFIG_INET_DIAG_DESTROY). Returns how many went; 0 when ss
     * could not do it (said in the log).
     */
    private static int purgeHalfOpen(NftService s) {
        String address = s.isIpv4() ? Addresses.format(s.hi(), s.lo()) : "[" + Addresses.format(s.hi(), s.lo()) + "]";
        String filter = s.port() == NftService.ANY_PORT ? address : address + ":" + s.port();
        List<String> cmd = List.of("ss", "-K", "-t", "-n", "-H", "state", "syn-recv", "src", filter);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                LOG.warn("purge of half-open connections to {}: ss did not finish in 5 s", s);
                return 0;
            }
            if (p.exitValue() != 0) {
                LOG.warn("purge of half-open connections to {}: ss failed ({}): {}", s, p.exitValue(), out.strip());
                return 0;
            }
            return (int) out.lines().filter(l -> !l.isBlank()).count();
        } catch (IOException e) {
            LOG.warn("purge of half-open connections to {}: cannot run ss: {}", s, e.getMessage());
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private void kernelTuning(List<SysctlChange> changes, String action) {
        if (changes.isEmpty()) {
            return;
        }
        JsonLine j = event("kernel_tuning", WallClock.nowNs(), null).field("action", action);
        j.beginArray("changes");
        StringBuilder summary = new StringBuilder("kernel_tuning " + action + ":");
        for (SysctlChange c : changes) {
            j.beginObject().field("sysctl", c.name()).field("before", String.valueOf(c.before()));
            j.field("after", String.valueOf(c.after()));
            if (c.error() != null) {
                j.field("error", c.error());
            }
            j.endObject();
            summary.append(' ')
                    .append(c.name())
                    .append(' ')
                    .append(c.before())
                    .append("->")
                    .append(c.after());
            if (c.error() != null) {
                summary.append(" (").append(c.error()).append(')');
            }
        }
        j.endArray();
        sink.publish("kernel_tuning", j.build(), summary.toString());
    }

    /** Once a second: blocks that timed out, key rotation, own addresses (every 10 s). */
    private void housekeeping() {
        try {
            long now = WallClock.nowNs();
            keys.maybeRotate(now);
            if (++housekeepingRuns % 10 == 0) {
                own.refresh();
            }
            expireBlocks(now);
        } catch (RuntimeException e) {
            LOG.error("mitigation housekeeping failed", e);
        }
    }

    private synchronized void expireBlocks(long nowNs) {
        var it = blocks.entrySet().iterator();
        while (it.hasNext()) {
            var e = it.next();
            Block b = e.getValue();
            if (b.untilNs() > nowNs) {
                continue;
            }
            it.remove();
            String source = Addresses.format(e.getKey());
            JsonLine j = event("source_unblocked", nowNs, b.attackId())
                    .field("source", source)
                    .field("reason", "timeout")
                    .field("blocked_s", (nowNs - b.sinceNs()) / 1e9, 3);
            sink.publish("source_unblocked", j.build(), "source_unblocked " + source + " (block timed out)");
        }
    }

    // ------------------------------------------------------------------ nft health

    @Override
    public void nftFailed(String reason) {
        if (cfg.mode() == Mode.OFF) {
            // Only the start-up clean-up ran; NftController has logged why it failed.
            return;
        }
        boolean was = enforcing;
        enforcing = false;
        if (!was && started) {
            return;
        }
        JsonLine j = event("mitigation_error", WallClock.nowNs(), null)
                .field("reason", reason)
                .field("action", "failing open: the kernel handles SYNs alone; detection goes on");
        sink.publish("mitigation_error", j.build(), "mitigation_error: " + reason + " (failing open)");
    }

    @Override
    public void nftRecovered() {
        synchronized (this) {
            for (ActiveTarget t : targets.values()) {
                for (NftService s : t.services) {
                    nft.activate(s);
                }
            }
        }
        enforcing = true;
        JsonLine j = event("mitigation_error", WallClock.nowNs(), null)
                .field("reason", "nft applies commands again")
                .field("action", "recovered");
        sink.publish("mitigation_error", j.build(), "mitigation recovered: nft applies commands again");
    }

    // ------------------------------------------------------------------ status

    public MitigationConfig.Mode mode() {
        return cfg.mode();
    }

    public boolean enforcing() {
        return enforcing;
    }

    /** The addresses under mitigation now. */
    public List<String> activeTargets() {
        List<String> out = new ArrayList<>();
        for (ActiveTarget t : active) {
            out.add(t.text);
        }
        return out;
    }

    public synchronized long mitigations() {
        return mitigations;
    }

    public synchronized int blockedNow() {
        return blocks.size();
    }

    public synchronized long blockedTotal() {
        return blocked;
    }

    public long verifiedNow() {
        return verified.size();
    }

    public long purgedHalfOpen() {
        return purged.sum();
    }

    /** Responder counters by name (metric suffix), in a stable order. */
    public Map<String, Long> responderCounters() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("synacks_sent", counters.synAcksSent.sum());
        m.put("retry_synacks", counters.retrySynAcks.sum());
        m.put("reset_synacks", counters.resetSynAcks.sum());
        m.put("resets_sent", counters.resetsSent.sum());
        m.put("sources_verified", counters.sourcesVerified.sum());
        m.put("bad_cookies", counters.badCookies.sum());
        m.put("rate_limited", counters.rateLimited.sum());
        m.put("backed_off", counters.backedOff.sum());
        m.put("not_answerable", counters.notAnswerable.sum());
        m.put("own_source", counters.ownSource.sum());
        m.put("send_failed", counters.sendFailed.sum());
        return m;
    }

    public NftController nft() {
        return nft;
    }

    /** Stops enforcement, removes the table (fail open) and restores the kernel's settings. */
    @Override
    public void close() {
        worker.shutdownNow();
        enforcing = false;
        active = new ActiveTarget[0];
        nft.close();
        if (cfg.mode() != Mode.OFF && playbook.applied()) {
            kernelTuning(playbook.restore(), "restored");
        }
    }

    private static JsonLine event(String name, long nowNs, String attackId) {
        JsonLine j = new JsonLine().field("ts", Timestamps.iso(nowNs)).field("event", name);
        if (attackId != null) {
            j.field("attack_id", attackId);
        }
        return j;
    }

    private static void services(JsonLine j, List<NftService> services) {
        j.beginArray("services");
        for (NftService s : services) {
            j.value(s.toString());
        }
        j.endArray();
    }
}
