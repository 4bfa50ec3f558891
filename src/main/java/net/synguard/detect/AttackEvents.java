package net.synguard.detect;

import net.synguard.alert.AlertSink;
import net.synguard.alert.EventContext;
import net.synguard.alert.JsonLine;
import net.synguard.alert.Timestamps;
import net.synguard.config.DetectConfig;
import net.synguard.pressure.DestinationStats;
import net.synguard.pressure.SpaceSaving;

/**
 * Formats the attack events (DESIGN.md, "Alert events"): {@code attack_started},
 * {@code attack_update} and {@code attack_ended}, each with what an operator needs to act on: the
 * target and its ports, rates, half-open counts, completion ratio, who is sending, and how sure the
 * classification is.
 */
final class AttackEvents {
    private static final int REPORT_PORTS = 10;

    private final AlertSink sink;
    private final DetectConfig cfg;
    private final EventContext context;
    private final AttackListener listener;

    AttackEvents(AlertSink sink, DetectConfig cfg, EventContext context, AttackListener listener) {
        this.sink = sink;
        this.cfg = cfg;
        this.context = context;
        this.listener = listener;
    }

    void started(Attack a, Verdict v, long nowNs) {
        JsonLine j = head("attack_started", a, nowNs);
        j.field("trigger", a.trigger);
        body(j, a, v, nowNs);
        thresholds(j);
        context.addTo(j);
        sink.publish(
                "attack_started",
                j.build(),
                summary("attack_started", a, v, nowNs) + " (" + a.trigger.replace('_', ' ') + " over threshold)");
    }

    void update(Attack a, Verdict v, long nowNs) {
        JsonLine j = head("attack_update", a, nowNs);
        j.field("duration_s", seconds(nowNs - a.startNs), 3);
        body(j, a, v, nowNs);
        j.field("peak_syn_rate", Math.round(a.peakSynRate));
        j.field("syns", a.target.syns() - a.synsAtStart);
        context.addTo(j);
        sink.publish("attack_update", j.build(), summary("attack_update", a, v, nowNs));
    }

    /** The journal's line: enough to know what is happening without opening the alert log. */
    private static String summary(String event, Attack a, Verdict v, long nowNs) {
        DestinationStats d = a.target;
        StringBuilder s = new StringBuilder(160)
                .append(event)
                .append(' ')
                .append(a.id)
                .append(": ")
                .append(v.classification().label())
                .append(" SYN flood on ")
                .append(a.targetText)
                .append(", ")
                .append(Math.round(d.synRate(nowNs)))
                .append(" SYN/s, ")
                .append(d.halfOpen())
                .append(" half-open, ")
                .append(v.distinctSources())
                .append(" sources");
        if (!v.topSources().isEmpty() && v.classification() == Classification.FEW_SOURCES) {
            s.append(", top ").append(v.topSources().getFirst().address());
        }
        return s.toString();
    }

    void ended(Attack a, Verdict v, long nowNs, String reason, long activeUntil) {
        DestinationStats d = a.target;
        JsonLine j = head("attack_ended", a, nowNs);
        j.field("reason", reason);
        j.field("duration_s", seconds(activeUntil - a.startNs), 3);
        body(j, a, v, nowNs);
        j.field("peak_syn_rate", Math.round(a.peakSynRate));
        j.field("peak_half_open", a.peakHalfOpen);
        j.beginObject("totals")
                .field("syns", d.syns() - a.synsAtStart)
                .field("handshakes_completed", d.completed() - a.completedAtStart)
                .field("handshakes_failed", d.failed() - a.failedAtStart)
                .endObject();
        j.beginObject("mitigation");
        listener.addTo(a.id, j);
        j.endObject();
        context.addTo(j);
        sink.publish(
                "attack_ended",
                j.build(),
                summary("attack_ended", a, v, nowNs)
                        + String.format(
                                java.util.Locale.ROOT,
                                " (%s after %.1f s, peak %d SYN/s)",
                                reason,
                                seconds(activeUntil - a.startNs),
                                Math.round(a.peakSynRate)));
    }

    private static JsonLine head(String event, Attack a, long nowNs) {
        return new JsonLine()
                .field("ts", Timestamps.iso(nowNs))
                .field("event", event)
                .field("attack_id", a.id)
                .field("target", a.targetText);
    }

    private void body(JsonLine j, Attack a, Verdict v, long nowNs) {
        DestinationStats d = a.target;
        j.beginArray("ports");
        SpaceSaving ports = d.topPorts();
        int n = 0;
        for (int i : ports.ranked()) {
            if (n++ >= REPORT_PORTS) {
                break;
            }
            j.value(ports.keyLo(i));
        }
        j.endArray();
        j.field("distinct_ports", Math.max(ports.size(), d.distinctPorts()));
        j.field("classification", v.classification().label());
        j.field("syn_rate", Math.round(d.synRate(nowNs)));
        j.field("half_open", d.halfOpen());
        j.beginObject("half_open_by_state")
                .field("syn_seen", d.halfOpenSynSeen())
                .field("syn_ack_seen", d.halfOpenSynAckSeen())
                .endObject();
        // No SYN in the window: no ratio to speak of (null), rather than a reassuring 1.
        j.field("completion_ratio", d.synsInWindow(nowNs) > 0 ? d.completionRatio(nowNs) : Double.NaN, 3);
        j.field("distinct_sources", v.distinctSources());
        j.field("syns_per_source", v.synsPerSource(), 2);
        j.field("top_share", v.topShare(), 3);
        j.beginArray("top_sources");
        for (Verdict.SourceCount s : v.topSources()) {
            j.beginObject()
                    .field("address", s.address())
                    .field("syns", s.syns())
                    .field("completed", s.completed())
                    .field("over_source_threshold", s.flagged())
                    .endObject();
        }
        j.endArray();
        j.beginArray("top_prefixes");
        for (Verdict.PrefixCount p : v.topPrefixes()) {
            j.beginObject().field("prefix", p.prefix()).field("syns", p.syns()).endObject();
        }
        j.endArray();
    }

    private void thresholds(JsonLine j) {
        j.beginObject("thresholds")
                .field("syn_rate", cfg.destination().synRate(), 0)
                .field("half_open", cfg.destination().halfOpen())
                .field("completion_ratio", cfg.destination().completionRatio(), 3)
                .endObject();
    }

    private static double seconds(long ns) {
        return ns / 1e9;
    }
}
