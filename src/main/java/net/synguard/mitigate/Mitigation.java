package net.synguard.mitigate;

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
import net.synguard.capture.FrameSender;
import net.synguard.config.MitigationConfig;
import net.synguard.config.MitigationConfig.Engine;
import net.synguard.config.MitigationConfig.Mode;
import net.synguard.config.ProtectedService;
import net.synguard.config.SynguardConfig;
import net.synguard.decode.Address;
import net.synguard.decode.Addresses;
import net.synguard.detect.AttackListener;
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
    /** Longest wait for an activation to reach the kernel before the half-open purge runs anyway. */
    private static final long ACTIVATION_WAIT_NS = 2_000_000_000L;

    private final MitigationConfig cfg;
    private final List<ProtectedService> protect;
    private final int ipv4PrefixLength;
    private final int ipv6PrefixLength;
    /** SYNs a second a verified source may send to a target under enforcement (detect.source.syn-rate). */
    private final long verifiedSynRate;

    private final AlertSink sink;
    private final CookieKeys keys;
    private final CookieCodec codec;
    private final VerifiedSources verified;
    private final OwnAddresses own = new OwnAddresses();
    private final NftController nft;
    private final KernelPlaybook playbook;
    private final ResponderCounters counters = new ResponderCounters();
    private final ScheduledExecutorService worker;
    private final LongAdder purged = new LongAdder();
    private final SourceBlocks blocks;

    private volatile ActiveTarget[] active = new ActiveTarget[0];
    private volatile boolean enforcing;
    private volatile boolean started;
    /** A copy for the JIT warm-up (see {@link #detached}): no events, no nft, no kernel changes. */
    private final boolean detached;

    // Guarded by this.
    private final Map<Address, ActiveTarget> targets = new LinkedHashMap<>();
    private final Map<Address, Set<String>> attacksOn = new HashMap<>();
    /** An attack's target under mitigation and its counters when the attack started. */
    private record Baseline(
            ActiveTarget target, long synAcksSent, long sourcesVerified, long synsDropped, long sourcesBlocked) {}

    private final Map<String, Baseline> baselines = new HashMap<>();
    private long mitigations;
    private int housekeepingRuns;

    private Mitigation(SynguardConfig c, AlertSink sink, CookieKeys keys, Path procSysNetIpv4, boolean detached) {
        this.detached = detached;
        this.cfg = c.mitigation();
        this.protect = c.protect();
        this.ipv4PrefixLength = c.pressure().ipv4PrefixLength();
        this.ipv6PrefixLength = c.pressure().ipv6PrefixLength();
        this.verifiedSynRate = (long) Math.ceil(c.detect().source().synRate());
        this.sink = sink;
        this.keys = keys;
        this.codec = new CookieCodec(keys);
        this.verified = new VerifiedSources(cfg.verifiedTimeout(), cfg.block().timeout());
        List<NftService> services = new ArrayList<>();
        for (ProtectedService p : protect) {
            services.addAll(NftService.of(p));
        }
        NftRuleset ruleset =
                cfg.engine() == Engine.KERNEL_SYNPROXY ? NftRuleset.synproxy(services) : new NftRuleset(services);
        this.nft = new NftController(ruleset, NftController.Options.defaults().withCommand(cfg.nftCommand()), this);
        this.blocks = new SourceBlocks(cfg, nft, own, sink);
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
        return new Mitigation(c, sink, keys, procSysNetIpv4, false);
    }

    /**
     * A mitigation that touches nothing outside itself, for warming up the JIT before the capture
     * starts: in-memory keys, {@code (hi, lo)} under enforcement from the start, attacks ignored,
     * no nft (its controller is never started), no events, no kernel changes. Its responder
     * answers through whatever sender it is given.
     */
    public static Mitigation detached(SynguardConfig c, long hi, long lo) {
        long rotationNs = c.mitigation().cookieKeyRotation().toNanos();
        Mitigation m = new Mitigation(
                c,
                (event, json, summary) -> {},
                CookieKeys.ephemeral(COOKIE_PERIOD_NS, rotationNs),
                Path.of("/nonexistent"),
                true);
        m.active = new ActiveTarget[] {new ActiveTarget(hi, lo, Addresses.format(hi, lo), List.of(), 0)};
        m.enforcing = true;
        return m;
    }

    /**
     * Removes a crash's leftover table; unless the mode is off, installs the table, starts the nft
     * child and, in mode always, enforcement for every protected service.
     */
    public void start() {
        if (detached) {
            throw new IllegalStateException("a detached mitigation is never started");
        }
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
        // Mode always: the table comes with its services active, in the same transaction. Installed
        // empty and activated through nft -i a moment later, a flood already running (a restart
        // during an attack) would fill the listener's queue in between.
        StringBuilder initial = new StringBuilder();
        if (cfg.mode() == Mode.ALWAYS) {
            Map<String, List<String>> sets = new LinkedHashMap<>();
            for (ProtectedService p : protect) {
                addActive(sets, NftService.of(p));
            }
            appendSets(initial, sets);
        }
        enforcing = nft.setUp(initial.toString());
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

    /**
     * A source answered a cookie: let it through, here and in the kernel. Remembered with the time
     * its nft command was queued, so the responder can tell when the kernel has it too.
     */
    void verify(long hi, long lo) {
        if (detached) {
            verified.add(hi, lo, WallClock.monotonicNs());
            return;
        }
        long queuedNs = nft.verifyAt(hi, lo, cfg.verifiedTimeout().toMillis());
        if (verified.add(hi, lo, queuedNs == NftController.NOT_QUEUED ? WallClock.monotonicNs() : queuedNs)) {
            counters.sourcesVerified.increment();
        }
    }

    /**
     * A verified source sent {@code syns} SYNs within a second, over {@link #verifiedSynRate}: its
     * verification is revoked and it is blocked ({@link SourceBlocks#onVerifiedFlood}).
     */
    void verifiedFlood(long hi, long lo, long syns, long nowNs) {
        verified.revoke(hi, lo);
        if (!detached) {
            blocks.onVerifiedFlood(hi, lo, syns, verifiedSynRate, nowNs, enforcing);
        }
    }

    long verifiedSynRate() {
        return verifiedSynRate;
    }

    /** Whether nft has applied a command queued at {@code queuedNs} (monotonic). */
    boolean inKernel(long queuedNs) {
        return nft.appliedThroughNs() >= queuedNs;
    }

    /** An answer the send queue's thread could not send (the capture thread counts a full queue). */
    public void sendFailed() {
        counters.sendFailed.increment();
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

    ResponderCounters counters() {
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
        if (detached) {
            return;
        }
        Address target = new Address(hi, lo);
        if (cfg.mode() == Mode.AUTO && started) {
            activate(target, attackId, nowNs);
        } else if (cfg.mode() == Mode.ALWAYS && targets.containsKey(target)) {
            attacksOn.computeIfAbsent(target, k -> new LinkedHashSet<>()).add(attackId);
        }
        ActiveTarget t = targets.get(target);
        if (t != null) {
            baselines.put(
                    attackId,
                    new Baseline(t, t.synAcksSent(), t.sourcesVerified(), t.synsDropped(), blocks.blockedTotal()));
        }
        blocks.onVerdict(attackId, verdict, nowNs, enforcing);
    }

    @Override
    public boolean enforcing(long hi, long lo) {
        return !detached && target(hi, lo) != null;
    }

    @Override
    public synchronized void updated(String attackId, long hi, long lo, Verdict verdict, long nowNs) {
        if (detached) {
            return;
        }
        blocks.onVerdict(attackId, verdict, nowNs, enforcing);
    }

    @Override
    public synchronized void ended(String attackId, long hi, long lo, long nowNs) {
        if (detached) {
            return;
        }
        baselines.remove(attackId);
        Address target = new Address(hi, lo);
        Set<String> ids = attacksOn.get(target);
        if (ids == null) {
            return;
        }
        ids.remove(attackId);
        if (ids.isEmpty() && cfg.mode() == Mode.AUTO) {
            deactivate(target, attackId, nowNs, "attack_ended");
        }
    }

    @Override
    public synchronized void addTo(String attackId, JsonLine j) {
        Baseline base = baselines.get(attackId);
        if (base == null) {
            j.field("mode", cfg.mode() == Mode.OFF ? "monitor" : "none")
                    .field("cookies_sent", 0)
                    .field("sources_verified", 0)
                    .field("syns_dropped", 0);
            return;
        }
        ActiveTarget t = base.target();
        j.field("mode", cfg.mode().configName())
                .field("engine", cfg.engine().configName())
                .field("handoff", cfg.handoff().configName())
                .field("cookies_sent", t.synAcksSent() - base.synAcksSent())
                .field("sources_verified", t.sourcesVerified() - base.sourcesVerified())
                .field("syns_dropped", t.synsDropped() - base.synsDropped())
                .field("sources_blocked", blocks.blockedTotal() - base.sourcesBlocked());
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
            long queuedNs = WallClock.monotonicNs();
            for (NftService s : services) {
                nft.activate(s);
            }
            mitigations++;
            boolean first = targets.size() == 1;
            ActiveTarget started = t;
            runLater(() -> afterActivation(started, first, queuedNs));
            MitigationEvents.started(sink, cfg, t, attackId, nowNs, enforcing);
        }
        if (attackId != null) {
            attacksOn.computeIfAbsent(target, k -> new LinkedHashSet<>()).add(attackId);
        }
    }

    private void deactivate(Address target, String attackId, long nowNs, String reason) {
        ActiveTarget t = targets.remove(target);
        attacksOn.remove(target);
        if (t == null) {
            return;
        }
        active = targets.values().toArray(new ActiveTarget[0]);
        for (NftService s : t.services) {
            nft.deactivate(s);
        }
        MitigationEvents.stopped(sink, t, attackId, reason, nowNs);
        if (targets.isEmpty() && !playbook.isEmpty()) {
            runLater(() -> kernelTuning(playbook.restore(), "restored"));
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

    // ------------------------------------------------------------------ worker thread

    /**
     * The purge and the playbook, once the activation queued at {@code queuedNs} (monotonic) is in
     * the kernel: a purge before that is refilled by the flood at once (64 entries take it 3 ms at
     * 20,000 SYN/s) and the listener stays full for seconds.
     */
    private void afterActivation(ActiveTarget t, boolean first, long queuedNs) {
        long deadline = WallClock.monotonicNs() + ACTIVATION_WAIT_NS;
        while (enforcing && nft.appliedThroughNs() < queuedNs && WallClock.monotonicNs() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (cfg.purgeHalfOpen() && cfg.engine() == Engine.RESPONDER) {
            for (NftService s : t.services) {
                int n = HalfOpenPurge.purge(s);
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

    private void kernelTuning(List<SysctlChange> changes, String action) {
        MitigationEvents.kernelTuning(sink, changes, action);
    }

    /** Once a second: blocks that timed out, key rotation, own addresses (every 10 s). */
    private void housekeeping() {
        try {
            long now = WallClock.nowNs();
            keys.maybeRotate(now);
            if (++housekeepingRuns % 10 == 0) {
                own.refresh();
            }
            blocks.expire(now);
        } catch (RuntimeException e) {
            LOG.error("mitigation housekeeping failed", e);
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
        MitigationEvents.failingOpen(sink, reason);
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
        MitigationEvents.recovered(sink);
    }

    /**
     * The table's contents for a restore (on the nft thread): the active services, the verified
     * sources and the blocked ones with what is left of their timeouts. Commands queued while this
     * runs reach nft after the restore, so nothing verified meanwhile is lost.
     */
    @Override
    public int appendState(StringBuilder script) {
        Map<String, List<String>> sets = new LinkedHashMap<>();
        synchronized (this) {
            for (ActiveTarget t : targets.values()) {
                addActive(sets, t.services);
            }
        }
        long timeoutMs = cfg.verifiedTimeout().toMillis();
        verified.forEachLive(
                WallClock.monotonicNs(),
                timeoutMs,
                (hi, lo, leftMs) -> sets.computeIfAbsent(
                                "verified" + (Addresses.isIpv4(hi, lo) ? "4" : "6"), k -> new ArrayList<>())
                        .add(NftAddresses.format(hi, lo) + " timeout " + leftMs + "ms"));
        blocks.forEachBlocked(
                WallClock.nowNs(),
                (source, leftMs) -> sets.computeIfAbsent(
                                "blocked" + (Addresses.isIpv4(source.hi(), source.lo()) ? "4" : "6"),
                                k -> new ArrayList<>())
                        .add(NftAddresses.format(source.hi(), source.lo()) + " timeout " + leftMs + "ms"));
        return appendSets(script, sets);
    }

    private static void addActive(Map<String, List<String>> sets, List<NftService> services) {
        for (NftService s : services) {
            sets.computeIfAbsent(NftRuleset.setFor("active", s), k -> new ArrayList<>())
                    .add(s.element());
        }
    }

    /** {@code add element} lines for each set's elements; returns how many elements. */
    private static int appendSets(StringBuilder script, Map<String, List<String>> sets) {
        int n = 0;
        for (Map.Entry<String, List<String>> e : sets.entrySet()) {
            NftRuleset.appendElements(script, e.getKey(), e.getValue());
            n += e.getValue().size();
        }
        return n;
    }

    @Override
    public void tableRestored(String reason, int elements, long absentAtMostMs) {
        // No check for `started`: the nft thread may restore a table whose set-up failed before
        // start() has set it, and enforcement must come on then too. Mode off and detached copies
        // never start the nft thread, so they never get here.
        enforcing = true;
        MitigationEvents.restored(
                sink, reason, elements, absentAtMostMs, activeTargets(), verified.size(), blocks.blockedNow());
        // While the table was missing the flood reached the listeners: their SYN queues are full of
        // its half-open entries, which would keep real clients out for the kernel's SYN-ACK retries
        // (about a minute). The same purge as at activation.
        synchronized (this) {
            for (ActiveTarget t : targets.values()) {
                // The restored table holds the active services already: nothing to wait for.
                runLater(() -> afterActivation(t, false, Long.MIN_VALUE));
            }
        }
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

    public int blockedNow() {
        return blocks.blockedNow();
    }

    public long blockedTotal() {
        return blocks.blockedTotal();
    }

    public long verifiedNow() {
        return verified.size();
    }

    public long purgedHalfOpen() {
        return purged.sum();
    }

    /** Responder counters by name (metric suffix), in a stable order. */
    public Map<String, Long> responderCounters() {
        // The table's restores ride along with the responder's counters (metric
        // synguard_mitigation_responder_total{counter="table_restored"}, status "responder").
        Map<String, Long> out = new LinkedHashMap<>(counters.byName());
        out.put("table_restored", nft.restores());
        return out;
    }

    public NftController nft() {
        return nft;
    }

    /** Stops enforcement, removes the table (fail open) and restores the kernel's settings. */
    @Override
    public void close() {
        worker.shutdownNow();
        synchronized (this) {
            long now = WallClock.nowNs();
            for (Address target : List.copyOf(targets.keySet())) {
                deactivate(target, null, now, "shutdown");
            }
        }
        enforcing = false;
        active = new ActiveTarget[0];
        nft.close();
        if (cfg.mode() != Mode.OFF && playbook.applied()) {
            kernelTuning(playbook.restore(), "restored");
        }
    }

    /** Work for the mitigation thread; dropped once it is shut down (close() does it itself). */
    private void runLater(Runnable task) {
        try {
            worker.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("mitigation is stopping; not run: {}", task);
        }
    }
}
