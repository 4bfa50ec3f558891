package net.synguard.detect;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.synguard.alert.AlertSink;
import net.synguard.alert.EventContext;
import net.synguard.alert.Timestamps;
import net.synguard.config.DetectConfig;
import net.synguard.decode.Addresses;
import net.synguard.pressure.DestinationStats;
import net.synguard.pressure.PressureTables;

/**
 * Decides when an address is under a SYN flood, with hysteresis so that an attack starts once and
 * ends once.
 *
 * <p>Start (checked on every SYN, so detection latency is the time the window needs to fill: a
 * tenth of the window at ten times the threshold): the SYN rate reaches the threshold, or the
 * half-open count does, while the handshakes to the address complete below the completion-ratio
 * threshold. A busy server whose clients finish their handshakes is not under attack, however high
 * its SYN rate.
 *
 * <p>End (checked every tick): no tick for the quiet time has seen SYNs arrive at {@code end-ratio}
 * of the rate threshold or more (the rate between two ticks, 100 ms apart, not the window's, whose
 * tail would add up to a window to the end). So the end comes one quiet time after the flood
 * stops, and a flood that pauses for less than that, or pulses, stays one attack. For an attack
 * that the half-open count started, a tick is also loud while the half-open count is at its end
 * level or more and new entries keep arriving at the rate that keeps it there:
 * {@code end-ratio} of (half-open threshold / half-open timeout) per second, 16/s by default. Half-open
 * entries outlive a flood by the kernel's SYN-ACK retry time (63 s by default): without that
 * arrival rate a flood that stopped would look active for another minute, while a slow flood that
 * keeps the backlog full (100 SYN/s that never complete) stays an attack for as long as it lasts.
 * Leftover half-open entries cannot start a new attack until they have drained below the end
 * level.
 */
public final class AttackDetector {
    private static final String TRIGGER_RATE = "syn_rate";
    private static final String TRIGGER_HALF_OPEN = "half_open";

    private final PressureTables pressure;
    private final AlertSink sink;
    private final EventContext context;
    private final AttackListener listener;
    private DetectConfig cfg;
    private Classifier classifier;
    private AttackEvents events;
    // Keyed by the stats object itself (identity): a lookup on the SYN path allocates no key, and
    // insertion order keeps the iteration, and so the event order, deterministic.
    private final Map<DestinationStats, Attack> active = new LinkedHashMap<>();
    private final Set<DestinationStats> halfOpenDisarmed = new LinkedHashSet<>();
    private final Map<DestinationStats, Long> scanQuietUntil = new LinkedHashMap<>();
    private double endSynRate;
    private double endHalfOpen;
    private double endHalfOpenArrivals;
    private final long halfOpenTimeoutNs;
    private long quietNs;
    private long updateNs;
    private long attacks;
    private long scans;
    private long sequence;

    /** With the kernel's default half-open timeout (63 s) and no event context. */
    public AttackDetector(DetectConfig cfg, PressureTables pressure, AlertSink sink, int reportSources) {
        this(cfg, pressure, sink, reportSources, 63_000_000_000L, EventContext.NONE, AttackListener.NONE);
    }

    /**
     * @param halfOpenTimeoutNs how long a half-open entry lives (track's SYN-ACK retry schedule)
     */
    public AttackDetector(
            DetectConfig cfg,
            PressureTables pressure,
            AlertSink sink,
            int reportSources,
            long halfOpenTimeoutNs,
            EventContext context,
            AttackListener listener) {
        this.pressure = pressure;
        this.listener = listener;
        this.halfOpenTimeoutNs = halfOpenTimeoutNs;
        this.sink = sink;
        this.context = context;
        reconfigure(cfg, reportSources);
    }

    /**
     * New thresholds, from a reload: they apply from the next packet. Attacks in progress go on and
     * end by the new end levels; nothing counted so far is lost.
     */
    public void reconfigure(DetectConfig newCfg, int reportSources) {
        this.cfg = newCfg;
        this.classifier = new Classifier(newCfg, pressure, reportSources);
        this.events = new AttackEvents(sink, newCfg, context, listener);
        this.endSynRate = newCfg.destination().synRate() * newCfg.endRatio();
        this.endHalfOpen = newCfg.destination().halfOpen() * newCfg.endRatio();
        this.endHalfOpenArrivals = endHalfOpen / (halfOpenTimeoutNs / 1e9);
        this.quietNs = newCfg.quietTime().toNanos();
        this.updateNs = newCfg.updateInterval().toNanos();
    }

    /** After each SYN to {@code d}: does it start an attack? Cheap unless a threshold is crossed. */
    public void onSyn(DestinationStats d, long nowNs) {
        if (d.pinned()) {
            Attack a = active.get(d);
            if (a != null) {
                a.observe(d.synRate(nowNs), d.halfOpen());
            }
            return;
        }
        String trigger = null;
        double synRate = d.synRate(nowNs);
        if (synRate >= cfg.destination().synRate()
                && d.synsInWindow(nowNs) >= cfg.destination().minSyns()) {
            trigger = TRIGGER_RATE;
        } else if (d.halfOpen() >= cfg.destination().halfOpen()
                && d.sketchSyns() >= cfg.destination().minSyns()
                && !halfOpenDisarmed.contains(d)) {
            trigger = TRIGGER_HALF_OPEN;
        }
        if (trigger == null || d.completionRatio(nowNs) >= cfg.destination().completionRatio()) {
            return;
        }
        start(d, trigger, nowNs);
    }

    private void start(DestinationStats d, String trigger, long nowNs) {
        Long quietUntil = scanQuietUntil.get(d);
        if (quietUntil != null && nowNs < quietUntil) {
            return;
        }
        Verdict v = classifier.classify(d, nowNs);
        if (v.classification() == Classification.PORT_SCAN) {
            // Reconnaissance is not a flood: count it, and look again after the quiet time.
            scans++;
            scanQuietUntil.put(d, nowNs + quietNs);
            return;
        }
        scanQuietUntil.remove(d);
        sequence++;
        attacks++;
        String id = Timestamps.compact(nowNs) + "-" + sequence;
        Attack a = new Attack(id, d, Addresses.format(d.hi(), d.lo()), nowNs, trigger);
        a.observe(d.synRate(nowNs), d.halfOpen());
        a.lastVerdict = v;
        active.put(d, a);
        pressure.pin(d, true);
        events.started(a, v, nowNs);
        listener.started(id, d.hi(), d.lo(), v, nowNs);
    }

    /** Periodic work in packet time: updates, ends, re-arming. */
    public void tick(long nowNs) {
        if (!active.isEmpty()) {
            List<Attack> ended = null;
            for (Attack a : active.values()) {
                DestinationStats d = a.target;
                a.observe(d.synRate(nowNs), d.halfOpen());
                if (quietLongEnough(a, nowNs)) {
                    if (ended == null) {
                        ended = new ArrayList<>();
                    }
                    ended.add(a);
                } else if (nowNs - a.lastUpdateNs >= updateNs) {
                    a.lastUpdateNs = nowNs;
                    a.lastVerdict = classifier.classify(d, nowNs);
                    events.update(a, a.lastVerdict, nowNs);
                    listener.updated(a.id, d.hi(), d.lo(), a.lastVerdict, nowNs);
                }
            }
            if (ended != null) {
                for (Attack a : ended) {
                    end(a, nowNs, "quiet");
                }
            }
        }
        if (!halfOpenDisarmed.isEmpty()) {
            halfOpenDisarmed.removeIf(d -> d.halfOpen() < endHalfOpen);
        }
        if (!scanQuietUntil.isEmpty()) {
            scanQuietUntil.values().removeIf(until -> until <= nowNs);
        }
    }

    /** Ticks closer than this are folded into one rate measurement (e.g. the end of a replay). */
    private static final long MIN_TICK_NS = 50_000_000L;

    /** Measures the SYN rate since the last tick; true when it has been low for the quiet time. */
    private boolean quietLongEnough(Attack a, long nowNs) {
        DestinationStats d = a.target;
        if (nowNs - a.lastTickNs >= MIN_TICK_NS) {
            double rate = (d.syns() - a.lastTickSyns) * 1e9 / (nowNs - a.lastTickNs);
            // Under enforcement the flood's SYNs are dropped before the kernel and not tracked as
            // half-open, so a half-open attack stays loud on its arrivals alone.
            boolean loud = rate >= endSynRate
                    || (!a.trigger.equals(TRIGGER_RATE)
                            && rate >= endHalfOpenArrivals
                            && (d.halfOpen() >= endHalfOpen || listener.enforcing(d.hi(), d.lo())));
            if (loud) {
                a.lastLoudNs = nowNs;
            }
            a.lastTickNs = nowNs;
            a.lastTickSyns = d.syns();
        }
        return nowNs - a.lastLoudNs >= quietNs;
    }

    /** End of the input (a replay reached the end of its file): close what is still open. */
    public void finish(long nowNs) {
        for (Attack a : List.copyOf(active.values())) {
            end(a, nowNs, "end_of_capture");
        }
    }

    private void end(Attack a, long nowNs, String reason) {
        DestinationStats d = a.target;
        active.remove(d);
        Verdict v = classifier.classify(d, nowNs);
        long activeUntil = reason.equals("quiet") ? a.lastLoudNs : nowNs;
        events.ended(a, v, nowNs, reason, activeUntil);
        listener.ended(a.id, d.hi(), d.lo(), nowNs);
        if (d.halfOpen() >= endHalfOpen) {
            halfOpenDisarmed.add(d);
        }
        pressure.pin(d, false);
        pressure.restartSketches(d, nowNs);
    }

    /** An attack in progress, as status shows it. */
    public record ActiveAttack(
            String id,
            String target,
            String trigger,
            String classification,
            long startNs,
            double synRate,
            int halfOpen,
            double completionRatio,
            long distinctSources,
            List<String> topSources) {
        public ActiveAttack {
            topSources = List.copyOf(topSources);
        }
    }

    /** The attacks in progress, from their last classification (off the hot path: it allocates). */
    public List<ActiveAttack> activeAttacks(long nowNs) {
        List<ActiveAttack> out = new ArrayList<>(active.size());
        for (Attack a : active.values()) {
            DestinationStats d = a.target;
            Verdict v = a.lastVerdict;
            out.add(new ActiveAttack(
                    a.id,
                    a.targetText,
                    a.trigger,
                    v.classification().label(),
                    a.startNs,
                    d.synRate(nowNs),
                    d.halfOpen(),
                    d.completionRatio(nowNs),
                    v.distinctSources(),
                    v.topSources().stream().map(Verdict.SourceCount::address).toList()));
        }
        return out;
    }

    public int activeAttacks() {
        return active.size();
    }

    public long attacksStarted() {
        return attacks;
    }

    public long portScans() {
        return scans;
    }
}
