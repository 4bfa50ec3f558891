package net.synguard.control;

import java.util.List;

/** An attack in progress, for status. */
public record AttackStatus(
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

    public AttackStatus {
        topSources = List.copyOf(topSources);
    }
}
