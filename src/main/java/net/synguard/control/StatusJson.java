package net.synguard.control;

import java.util.Map;
import net.synguard.alert.JsonLine;
import net.synguard.alert.Timestamps;
import net.synguard.detect.AttackDetector;

/** {@link DaemonStatus} as one JSON object, for {@code synguard status --json} and scripts. */
final class StatusJson {
    private StatusJson() {}

    static String write(DaemonStatus s) {
        JsonLine j = new JsonLine()
                .field("ts", Timestamps.iso(s.nowNs()))
                .field("started", Timestamps.iso(s.startedNs()))
                .field("alert_events", s.alertEvents())
                .field("alert_log_dropped", s.alertLogDropped())
                .field("hook_dropped", s.hookDropped())
                .field("hook_failed", s.hookFailed())
                .field("reloads", s.reloads())
                .field("reload_failures", s.reloadFailures());
        j.beginArray("interfaces");
        for (InterfaceStatus i : s.interfaces()) {
            j.beginObject()
                    .field("interface", i.iface())
                    .field("capturing", i.capturing())
                    .field("packet_time", Timestamps.iso(i.packetTimeNs()))
                    .field("frames", i.frames())
                    .field("tcp_segments", i.tcpSegments())
                    .field("syns", i.syns())
                    .field("syn_acks", i.synAcks())
                    .field("syn_acks_unsolicited", i.synAcksUnsolicited())
                    .field("handshakes_completed", i.handshakesCompleted())
                    .field("handshakes_refused", i.handshakesRefused())
                    .field("half_open_expired", i.halfOpenExpired())
                    .field("half_open_evicted", i.halfOpenEvicted())
                    .field("syn_rate", Math.round(i.synRate()));
            j.beginObject("half_open")
                    .field("total", i.halfOpen())
                    .field("syn_seen", i.halfOpenSynSeen())
                    .field("syn_ack_seen", i.halfOpenSynAckSeen())
                    .endObject();
            j.beginArray("half_open_by_port");
            for (InterfaceStatus.PortCount p : i.halfOpenByPort()) {
                j.beginObject()
                        .field("address", p.address())
                        .field("port", p.port())
                        .field("half_open", p.halfOpen())
                        .endObject();
            }
            j.endArray();
            j.field("sources_tracked", i.sourcesTracked())
                    .field("attacks_started", i.attacksStarted())
                    .field("port_scans", i.portScans());
            j.beginObject("capture")
                    .field("received", i.captureReceived())
                    .field("kernel_drops", i.captureDropped())
                    .field("interface_drops", i.captureIfDropped())
                    .field("reopens", i.reopens())
                    .endObject();
            j.beginObject("malformed");
            i.malformed().entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .forEach(e -> j.field(e.getKey(), e.getValue()));
            j.endObject();
            j.beginArray("attacks");
            for (AttackDetector.ActiveAttack a : i.attacks()) {
                j.beginObject()
                        .field("attack_id", a.id())
                        .field("target", a.target())
                        .field("trigger", a.trigger())
                        .field("classification", a.classification())
                        .field("started", Timestamps.iso(a.startNs()))
                        .field("syn_rate", Math.round(a.synRate()))
                        .field("half_open", a.halfOpen())
                        .field("completion_ratio", a.completionRatio(), 3)
                        .field("distinct_sources", a.distinctSources());
                j.beginArray("top_sources");
                a.topSources().forEach(j::value);
                j.endArray().endObject();
            }
            j.endArray().endObject();
        }
        j.endArray();
        MitigationStatus m = s.mitigation();
        j.beginObject("mitigation")
                .field("mode", m.mode())
                .field("engine", m.engine())
                .field("handoff", m.handoff())
                .field("enforcing", m.enforcing());
        j.beginArray("active_targets");
        m.activeTargets().forEach(j::value);
        j.endArray();
        j.field("mitigations", m.mitigations())
                .field("verified_sources", m.verifiedNow())
                .field("blocked_sources", m.blockedNow())
                .field("blocked_total", m.blockedTotal())
                .field("half_open_purged", m.purgedHalfOpen());
        j.beginObject("responder");
        new java.util.TreeMap<>(m.responder()).forEach((k, v) -> j.field(k, v.longValue()));
        j.endObject();
        j.beginObject("nft")
                .field("applied", m.nftApplied())
                .field("failed_commands", m.nftFailedCommands())
                .field("failures", m.nftFailures())
                .field("lost", m.nftLost())
                .field("latency_p50_us", m.nftLatencyP50Us())
                .field("latency_p99_us", m.nftLatencyP99Us())
                .endObject();
        j.endObject();
        KernelStatus k = s.kernel();
        if (k != null) {
            j.beginObject("kernel")
                    .field("state", k.state())
                    .field("syn_recv", k.synRecvTotal())
                    .field("SyncookiesSent", k.syncookiesSent())
                    .field("SyncookiesRecv", k.syncookiesRecv())
                    .field("SyncookiesFailed", k.syncookiesFailed())
                    .field("ListenOverflows", k.listenOverflows())
                    .field("ListenDrops", k.listenDrops())
                    .field("TCPReqQFullDrop", k.reqQFullDrop())
                    .field("TCPReqQFullDoCookies", k.reqQFullDoCookies());
            j.beginObject("syn_recv_by_port");
            k.synRecvByPort().entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .forEach(e -> j.field(Integer.toString(e.getKey()), e.getValue()));
            j.endObject().endObject();
        }
        return j.build();
    }
}
