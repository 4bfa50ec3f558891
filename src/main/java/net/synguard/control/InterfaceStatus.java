package net.synguard.control;

import java.util.List;
import java.util.Map;
import net.synguard.detect.AttackDetector;

/**
 * What one capture sees, as its capture thread published it (once a second): read by the metrics
 * and status endpoints on other threads without touching the pipeline itself.
 */
public record InterfaceStatus(
        String iface,
        boolean capturing,
        long packetTimeNs,
        long frames,
        long tcpSegments,
        long syns,
        long synAcks,
        long synAcksUnsolicited,
        long handshakesCompleted,
        long handshakesRefused,
        long halfOpenExpired,
        long halfOpenEvicted,
        int halfOpen,
        int halfOpenSynSeen,
        int halfOpenSynAckSeen,
        double synRate,
        long sourcesTracked,
        long attacksStarted,
        long portScans,
        long captureReceived,
        long captureDropped,
        long captureIfDropped,
        long reopens,
        Map<String, Long> malformed,
        List<PortCount> halfOpenByPort,
        List<AttackDetector.ActiveAttack> attacks,
        Map<String, Long> tableEntries,
        Map<String, Long> tableEvictions) {

    public InterfaceStatus {
        malformed = Map.copyOf(malformed);
        // Insertion-ordered copies: status lists the tables in the order the builder gave.
        tableEntries = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(tableEntries));
        tableEvictions = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(tableEvictions));
        halfOpenByPort = List.copyOf(halfOpenByPort);
        attacks = List.copyOf(attacks);
    }

    /** An interface whose capture never opened yet. */
    public static InterfaceStatus notCapturing(String iface, long reopens) {
        return new InterfaceStatus(
                iface, false, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, reopens, Map.of(), List.of(),
                List.of(), Map.of(), Map.of());
    }

    /** Half-open handshakes to one server port. */
    public record PortCount(String address, int port, int halfOpen) {}
}
