package net.synguard.control;

import java.util.Locale;
import java.util.Map;
import net.synguard.alert.Timestamps;
import net.synguard.detect.AttackDetector;

/**
 * {@link DaemonStatus} for a person at a terminal: what {@code synguard status} prints. Like
 * {@code netstat -n | awk '/^tcp/ {++S[$NF]} END {for (a in S) print a, S[a]}'} for half-open
 * handshakes, but from the wire and beside the kernel's own counters.
 */
final class StatusText {
    private StatusText() {}

    static String write(DaemonStatus s) {
        StringBuilder b = new StringBuilder(1024);
        line(b, "synguard status at %s (running since %s)", Timestamps.iso(s.nowNs()), Timestamps.iso(s.startedNs()));
        for (InterfaceStatus i : s.interfaces()) {
            b.append('\n');
            line(
                    b,
                    "interface %s: %s, packet time %s",
                    i.iface(),
                    i.capturing() ? "capturing" : "NOT CAPTURING (retrying)",
                    Timestamps.iso(i.packetTimeNs()));
            line(
                    b,
                    "  attacks now     %d active, %d started so far, %d port scans seen",
                    i.attacks().size(),
                    i.attacksStarted(),
                    i.portScans());
            for (AttackDetector.ActiveAttack a : i.attacks()) {
                line(
                        b,
                        "    %s  %s  %s since %s  %d SYN/s  %d half-open  completion %.3f  %d sources%s",
                        a.id(),
                        a.target(),
                        a.classification(),
                        Timestamps.iso(a.startNs()),
                        Math.round(a.synRate()),
                        a.halfOpen(),
                        a.completionRatio(),
                        a.distinctSources(),
                        a.topSources().isEmpty() ? "" : "  top " + String.join(" ", a.topSources()));
            }
            line(b, "  SYN rate        %d/s", Math.round(i.synRate()));
            line(
                    b,
                    "  half-open       %d (SYN seen %d, SYN-ACK seen %d = SYN_RECV on the wire)",
                    i.halfOpen(),
                    i.halfOpenSynSeen(),
                    i.halfOpenSynAckSeen());
            for (InterfaceStatus.PortCount p : i.halfOpenByPort()) {
                line(b, "    %s:%d  %d", p.address(), p.port(), p.halfOpen());
            }
            line(
                    b,
                    "  handshakes      %d completed, %d refused, %d timed out, %d evicted from a full table",
                    i.handshakesCompleted(),
                    i.handshakesRefused(),
                    i.halfOpenExpired(),
                    i.halfOpenEvicted());
            if (!i.tableEntries().isEmpty()) {
                line(b, "  tables          entries %s; evicted %s", i.tableEntries(), i.tableEvictions());
            }
            line(
                    b,
                    "  segments        %d frames, %d TCP, %d SYN, %d SYN-ACK (%d unsolicited)",
                    i.frames(),
                    i.tcpSegments(),
                    i.syns(),
                    i.synAcks(),
                    i.synAcksUnsolicited());
            line(b, "  sources         %d with state (seen twice or completed)", i.sourcesTracked());
            line(
                    b,
                    "  capture         %d received, %d dropped by the kernel (buffer full), %d by the interface, %d reopens",
                    i.captureReceived(),
                    i.captureDropped(),
                    i.captureIfDropped(),
                    i.reopens());
            if (!i.malformed().isEmpty()) {
                StringBuilder m = new StringBuilder();
                i.malformed().entrySet().stream()
                        .sorted(Map.Entry.comparingByKey())
                        .forEach(e ->
                                m.append(' ').append(e.getKey()).append('=').append(e.getValue()));
                line(b, "  malformed      %s", m);
            }
        }
        MitigationStatus m = s.mitigation();
        b.append('\n');
        line(
                b,
                "mitigation: mode %s, engine %s, handoff %s, %s; under mitigation: %s",
                m.mode(),
                m.engine(),
                m.handoff(),
                m.enforcing() ? "enforcing" : "NOT enforcing (failing open)",
                m.activeTargets().isEmpty() ? "none" : String.join(" ", m.activeTargets()));
        line(
                b,
                "  responder       %d SYN-ACKs sent, %d sources verified (%d now), %d rate-limited, %d backed off",
                m.responder().getOrDefault("synacks_sent", 0L),
                m.responder().getOrDefault("sources_verified", 0L),
                m.verifiedNow(),
                m.responder().getOrDefault("rate_limited", 0L),
                m.responder().getOrDefault("backed_off", 0L));
        line(
                b,
                "  nft             %d applied (p50 %d us, p99 %d us), %d refused, %d lost; %d sources blocked now",
                m.nftApplied(),
                m.nftLatencyP50Us(),
                m.nftLatencyP99Us(),
                m.nftFailedCommands(),
                m.nftLost(),
                m.blockedNow());
        KernelStatus k = s.kernel();
        b.append('\n');
        if (k == null) {
            line(b, "kernel: not read yet");
        } else {
            line(b, "kernel: %s; %d SYN_RECV sockets %s", k.state(), k.synRecvTotal(), k.synRecvByPort());
            line(
                    b,
                    "  SyncookiesSent %d  SyncookiesRecv %d  SyncookiesFailed %d",
                    k.syncookiesSent(),
                    k.syncookiesRecv(),
                    k.syncookiesFailed());
            line(
                    b,
                    "  ListenOverflows %d  ListenDrops %d  TCPReqQFullDrop %d  TCPReqQFullDoCookies %d",
                    k.listenOverflows(),
                    k.listenDrops(),
                    k.reqQFullDrop(),
                    k.reqQFullDoCookies());
        }
        line(
                b,
                "alerts: %d events, %d dropped (log queue full), hook %d dropped %d failed; reloads %d ok, %d refused",
                s.alertEvents(),
                s.alertLogDropped(),
                s.hookDropped(),
                s.hookFailed(),
                s.reloads(),
                s.reloadFailures());
        return b.toString();
    }

    private static void line(StringBuilder b, String format, Object... args) {
        b.append(String.format(Locale.ROOT, format, args)).append('\n');
    }
}
