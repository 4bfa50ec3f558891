package net.synguard.mitigate;

import java.util.List;
import net.synguard.alert.AlertSink;
import net.synguard.alert.JsonLine;
import net.synguard.alert.Timestamps;
import net.synguard.config.MitigationConfig;
import net.synguard.time.WallClock;

/**
 * The mitigation's events (README, "Read the alerts"): {@code mitigation_started}, {@code
 * mitigation_stopped}, {@code mitigation_error}, {@code mitigation_restored} and {@code kernel_tuning}, each a JSON line for
 * the alert log and a summary for the journal. {@code source_blocked} and {@code
 * source_unblocked} are {@link SourceBlocks}'.
 */
final class MitigationEvents {
    private MitigationEvents() {}

    static void started(
            AlertSink sink, MitigationConfig cfg, ActiveTarget t, String attackId, long nowNs, boolean enforcing) {
        JsonLine j = event("mitigation_started", nowNs, attackId)
                .field("target", t.text)
                .field("reason", attackId == null ? "mode_always" : "attack");
        services(j, t.services);
        j.field("mode", cfg.mode().configName())
                .field("engine", cfg.engine().configName())
                .field("handoff", cfg.handoff().configName())
                .field("enforcing", enforcing);
        sink.publish(
                "mitigation_started",
                j.build(),
                "mitigation_started for " + t.text + " " + t.services + " ("
                        + cfg.engine().configName() + ", "
                        + cfg.handoff().configName() + ")"
                        + (enforcing ? "" : ": nft NOT working, failing open"));
    }

    /** @param reason {@code attack_ended} or {@code shutdown} */
    static void stopped(AlertSink sink, ActiveTarget t, String attackId, String reason, long nowNs) {
        JsonLine j = event("mitigation_stopped", nowNs, attackId)
                .field("target", t.text)
                .field("reason", reason)
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
    }

    static void failingOpen(AlertSink sink, String reason) {
        JsonLine j = event("mitigation_error", WallClock.nowNs(), null)
                .field("reason", reason)
                .field("action", "failing open: the kernel handles SYNs alone; detection goes on");
        sink.publish("mitigation_error", j.build(), "mitigation_error: " + reason + " (failing open)");
    }

    static void recovered(AlertSink sink) {
        JsonLine j = event("mitigation_error", WallClock.nowNs(), null)
                .field("reason", "nft applies commands again")
                .field("action", "recovered");
        sink.publish("mitigation_error", j.build(), "mitigation recovered: nft applies commands again");
    }

    /**
     * The table was found missing while the daemon ran (deleted by hand, a firewall reload) and is
     * back, with the enforcement state it had.
     */
    static void restored(
            AlertSink sink,
            String reason,
            int elements,
            long absentAtMostMs,
            List<String> targets,
            long verified,
            int blocked) {
        JsonLine j = event("mitigation_restored", WallClock.nowNs(), null)
                .field("reason", reason)
                .field("action", "table re-created with its active services, verified and blocked sources")
                .field("elements", elements)
                .field("absent_ms_at_most", absentAtMostMs);
        j.beginArray("targets");
        targets.forEach(j::value);
        j.endArray();
        j.field("verified", verified).field("blocked", blocked);
        sink.publish(
                "mitigation_restored",
                j.build(),
                "mitigation_restored: " + reason + " (for at most " + absentAtMostMs + " ms); table re-created with "
                        + elements + " elements ("
                        + targets.size() + " targets under enforcement, " + verified + " verified, " + blocked
                        + " blocked)");
    }

    static void kernelTuning(AlertSink sink, List<SysctlChange> changes, String action) {
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

    static JsonLine event(String name, long nowNs, String attackId) {
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
