package net.synguard.detect;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * <p>End (checked every tick): the SYN rate stays below {@code end-ratio} of its threshold for the
 * quiet time, and so does the half-open count when that is what started the attack. Half-open
 * entries outlive a flood by the kernel's SYN-ACK retry time (63 s by default), so an attack started
 * by rate ends by rate; its leftover half-open entries cannot start a new attack until they have
 * drained below the end level.
 */
public final class AttackDetector {
    private static final String TRIGGER_RATE = "syn_rate";
    private static final String TRIGGER_HALF_OPEN = "half_open";

    private final PressureTables pressure;
    private final AlertSink sink;
    private final EventContext context;
    private DetectConfig cfg;
    private Classifier classifier;
    private AttackEvents events;
    // Keyed by the stats object itself (identity): a lookup on the SYN path allocates no key, and
    // insertion order keeps the iteration, and so the event order, deterministic.
    private final Map<DestinationStats, Attack> active = new LinkedHashMap<>();
    private final Map<DestinationStats, Boolean> halfOpenDisarmed = new LinkedHashMap<>();
    private final Map<DestinationStats, Long> scanQuietUntil = new LinkedHashMap<>();
    private double endSynRate;
    private double endHalfOpen;
    private long quietNs;
    private long updateNs;
    private long attacks;
    private long scans;
    private long sequence;

    public AttackDetector(DetectConfig cfg, PressureTables pressure, AlertSink sink, int reportSources) {
        this(cfg, pressure, sink, reportSources, EventContext.NONE);
    }

    public AttackDetector(
            DetectConfig cfg, PressureTables pressure, AlertSink sink, int reportSources, EventContext context) {
        this.pressure = pressure;
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
        this.events = new AttackEvents(sink, newCfg, context);
        this.endSynRate = newCfg.destination().synRate() * newCfg.endRatio();
        this.endHalfOpen = newCfg.destination().halfOpen() * newCfg.endRatio();
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
                && !halfOpenDisarmed.containsKey(d)) {
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
    }

    /** Periodic work in packet time: updates, ends, re-arming. */
    public void tick(long nowNs) {
        if (!active.isEmpty()) {
            List<Attack> ended = null;
            for (Attack a : active.values()) {
                DestinationStats d = a.target;
                double rate = d.synRate(nowNs);
                a.observe(rate, d.halfOpen());
                boolean below = rate < endSynRate
                        && (a.trigger.equals(TRIGGER_RATE) || d.halfOpen() < endHalfOpen);
                if (!below) {
                    a.belowSinceNs = -1;
                } else if (a.belowSinceNs < 0) {
                    a.belowSinceNs = nowNs;
                }
                if (a.belowSinceNs >= 0 && nowNs - a.belowSinceNs >= quietNs) {
                    if (ended == null) {
                        ended = new ArrayList<>();
                    }
                    ended.add(a);
                } else if (nowNs - a.lastUpdateNs >= updateNs) {
                    a.lastUpdateNs = nowNs;
                    a.lastVerdict = classifier.classify(d, nowNs);
                    events.update(a, a.lastVerdict, nowNs);
                }
            }
            if (ended != null) {
                for (Attack a : ended) {
                    end(a, nowNs, "quiet");
                }
            }
        }
        if (!halfOpenDisarmed.isEmpty()) {
            halfOpenDisarmed.keySet().removeIf(d -> d.halfOpen() < endHalfOpen);
        }
        if (!scanQuietUntil.isEmpty()) {
            scanQuietUntil.values().removeIf(until -> until <= nowNs);
        }
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
        events.ended(a, v, nowNs, reason);
        if (d.halfOpen() >= endHalfOpen) {
            halfOpenDisarmed.put(d, Boolean.TRUE);
        }
        pressure.pin(d, false);
        pressure.restartSketches(d, nowNs);
    }

    /** An attack in progress as status shows it. */
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
            List<String> topSources) {}

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
