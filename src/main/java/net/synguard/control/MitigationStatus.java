package net.synguard.control;

import java.util.List;
import java.util.Map;

/**
 * What the mitigation is doing, for status and metrics.
 *
 * @param enforcing the nftables table is installed and nft applies commands (else failing open)
 * @param responder the responder's counters by metric name ({@code synacks_sent}, ...)
 * @param nftLatencyP50Us offer-to-kernel latency of applied nft commands, median (upper bound), µs
 */
public record MitigationStatus(
        String mode,
        String engine,
        String handoff,
        boolean enforcing,
        List<String> activeTargets,
        long mitigations,
        long verifiedNow,
        int blockedNow,
        long blockedTotal,
        long purgedHalfOpen,
        Map<String, Long> responder,
        long nftApplied,
        long nftFailedCommands,
        long nftFailures,
        long nftLost,
        long nftLatencyP50Us,
        long nftLatencyP99Us) {

    public MitigationStatus {
        activeTargets = List.copyOf(activeTargets);
        responder = Map.copyOf(new java.util.TreeMap<>(responder));
    }

    /** Mitigation not configured or not running. */
    public static final MitigationStatus NONE =
            new MitigationStatus("off", "none", "none", false, List.of(), 0, 0, 0, 0, 0, Map.of(), 0, 0, 0, 0, 0, 0);
}
