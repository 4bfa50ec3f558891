package net.synguard.cli;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Locale;
import net.synguard.alert.Slf4jAlertSink;
import net.synguard.alert.Timestamps;
import net.synguard.decode.DecodeOutcome;
import net.synguard.pipeline.Pipeline;
import net.synguard.pressure.PressureTables;
import net.synguard.track.HandshakeTracker;

/**
 * The replay summary on stderr: one {@code key value} pair a line, so that people read it and
 * scripts take a value with {@code awk '$1 == "syn" {print $2}'}.
 */
final class ReplaySummary {
    private ReplaySummary() {}

    static void print(
            PrintWriter out, Path file, String format, Pipeline p, Slf4jAlertSink sink, long wallNs, long cpuNs) {
        out.println("synguard replay: " + file + " (" + format + ")");
        if (p.clock().started()) {
            line(out, "first_packet", Timestamps.iso(p.firstTimestampNs()));
            line(out, "last_packet", Timestamps.iso(p.clock().nowNs()));
        }
        HandshakeTracker t = p.tracker();
        PressureTables pr = p.pressure();
        line(out, "packets", p.frames());
        line(out, "tcp_segments", p.tcpSegments());
        line(out, "syn", p.syns());
        line(out, "syn_ack", p.synAcks());
        line(out, "syn_ack_unsolicited", t.synAcksUnsolicited());
        line(out, "syn_ack_retransmits", t.synAckRetransmits());
        line(out, "syn_retransmits", t.synRetransmits());
        line(out, "syn_invalid", t.synsInvalid());
        line(out, "handshakes_completed", t.completed());
        line(out, "handshakes_refused", t.refused());
        line(out, "handshakes_aborted", t.aborted());
        line(out, "half_open_expired", t.expired());
        line(out, "half_open_evicted", t.evicted());
        line(out, "half_open_at_end", t.halfOpen());
        line(out, "rst_unmatched", t.rstUnmatched());
        line(out, "acks_without_syn_ack", t.acksWithoutSynAck());
        line(out, "unprotected_syns", p.unprotectedSyns());
        line(out, "sources_tracked", pr.trackedSources());
        line(out, "sources_seen_once_evicted", pr.sourceFirstSight().evictions());
        line(out, "prefixes_tracked", pr.trackedPrefixes());
        line(out, "destinations_tracked", pr.trackedDestinations());
        for (DecodeOutcome.Group g : new DecodeOutcome.Group[] {
            DecodeOutcome.Group.MALFORMED, DecodeOutcome.Group.SKIPPED, DecodeOutcome.Group.ANOMALY
        }) {
            p.decodeCounters().forEachNonZero(g, (name, count) -> line(out, g.label() + "." + name, count));
        }
        line(out, "malformed", p.decodeCounters().malformedTotal());
        line(out, "clock_backward_steps", p.clock().backwardSteps());
        line(out, "attacks", p.detector().attacksStarted());
        line(out, "port_scans", p.detector().portScans());
        line(out, "alert_events", sink.published());
        line(out, "wall_time_s", String.format(Locale.ROOT, "%.3f", wallNs / 1e9));
        line(out, "packets_per_s", wallNs <= 0 ? 0 : Math.round(p.frames() * 1e9 / wallNs));
        // The reading thread's own CPU time: on a shared machine, less noisy than the wall time.
        line(out, "cpu_time_s", String.format(Locale.ROOT, "%.3f", cpuNs / 1e9));
        line(out, "packets_per_cpu_s", cpuNs <= 0 ? 0 : Math.round(p.frames() * 1e9 / cpuNs));
        out.flush();
    }

    /** CPU time of the calling thread (the pipeline; the reading too unless it reads ahead), or 0. */
    static long threadCpuNs() {
        ThreadMXBean t = ManagementFactory.getThreadMXBean();
        return t.isCurrentThreadCpuTimeSupported() ? t.getCurrentThreadCpuTime() : 0;
    }

    private static void line(PrintWriter out, String key, Object value) {
        out.printf(Locale.ROOT, "%-28s %s%n", key, value);
    }
}
