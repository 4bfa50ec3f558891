package net.synguard.daemon;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.synguard.capture.CaptureStats;
import net.synguard.control.InterfaceStatus;
import net.synguard.control.KernelStatus;
import net.synguard.decode.Addresses;
import net.synguard.decode.DecodeOutcome;
import net.synguard.kernel.KernelSnapshot;
import net.synguard.kernel.TcpExtCounters;
import net.synguard.pipeline.Pipeline;
import net.synguard.track.HandshakeTracker;

/**
 * Turns a pipeline's counters into the immutable {@link InterfaceStatus} that the capture thread
 * publishes once a second, and a kernel reading into {@link KernelStatus}. Runs on the thread that
 * owns the pipeline, so what it reads is consistent.
 */
final class StatusBuilder {
    private static final int PORTS_SHOWN = 10;

    private StatusBuilder() {}

    static InterfaceStatus of(String iface, boolean capturing, Pipeline p, CaptureStats c, long reopens) {
        long now = p.clock().nowNs();
        HandshakeTracker t = p.tracker();
        Map<String, Long> malformed = new LinkedHashMap<>();
        p.decodeCounters().forEachNonZero(DecodeOutcome.Group.MALFORMED, malformed::put);
        List<InterfaceStatus.PortCount> ports = new ArrayList<>();
        t.forEachPort(
                (sHi, sLo, sPort, n) -> ports.add(new InterfaceStatus.PortCount(Addresses.format(sHi, sLo), sPort, n)));
        ports.sort(Comparator.comparingInt(InterfaceStatus.PortCount::halfOpen).reversed());
        return new InterfaceStatus(
                iface,
                capturing,
                now,
                p.frames(),
                p.tcpSegments(),
                p.syns(),
                p.synAcks(),
                t.synAcksUnsolicited(),
                t.completed(),
                t.refused(),
                t.expired(),
                t.evicted(),
                t.halfOpen(),
                t.halfOpen(net.synguard.track.HandshakeState.SYN_SEEN),
                t.halfOpen(net.synguard.track.HandshakeState.SYN_ACK_SEEN),
                p.pressure().globalSynRate(now),
                p.pressure().trackedSources(),
                p.detector().attacksStarted(),
                p.detector().portScans(),
                c.received(),
                c.dropped(),
                c.droppedByInterface(),
                reopens,
                malformed,
                ports.subList(0, Math.min(PORTS_SHOWN, ports.size())),
                p.detector().activeAttacks(now),
                tableEntries(p),
                tableEvictions(p));
    }

    /** Entries in each bounded table of the pipeline: a table at its capacity is evicting. */
    private static Map<String, Long> tableEntries(Pipeline p) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("half_open", (long) p.tracker().halfOpen());
        m.put("sources", p.pressure().trackedSources());
        m.put("prefixes", p.pressure().trackedPrefixes());
        m.put("destinations", p.pressure().trackedDestinations());
        return m;
    }

    /** Entries each counted table gave up to make room (the Caffeine caches count none). */
    private static Map<String, Long> tableEvictions(Pipeline p) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("half_open", p.tracker().evicted());
        m.put("sources_seen_once", p.pressure().sourceFirstSight().evictions());
        m.put("prefixes_seen_once", p.pressure().prefixFirstSight().evictions());
        return m;
    }

    static KernelStatus of(KernelSnapshot now, KernelSnapshot before) {
        if (now == null) {
            return null;
        }
        TcpExtCounters c = now.counters();
        return new KernelStatus(
                c.syncookiesSent(),
                c.syncookiesRecv(),
                c.syncookiesFailed(),
                c.listenOverflows(),
                c.listenDrops(),
                c.tcpReqQFullDrop(),
                c.tcpReqQFullDoCookies(),
                now.synRecvTotal(),
                now.synRecvByPort(),
                now.synState(before));
    }
}
