package net.synguard.detect;

import net.synguard.pressure.DestinationStats;

/** One attack on one address, from its start to its end. Owned by {@link AttackDetector}. */
final class Attack {
    final String id;
    final DestinationStats target;
    final String targetText;
    final long startNs;
    final String trigger;
    final long synsAtStart;
    final long completedAtStart;
    final long failedAtStart;
    double peakSynRate;
    int peakHalfOpen;
    long lastUpdateNs;
    Verdict lastVerdict;
    /** Packet time of the last tick whose SYN rate was at or above the end level. */
    long lastLoudNs;

    long lastTickNs;
    long lastTickSyns;

    Attack(String id, DestinationStats target, String targetText, long startNs, String trigger) {
        this.id = id;
        this.target = target;
        this.targetText = targetText;
        this.startNs = startNs;
        this.trigger = trigger;
        // The window that tripped the threshold belongs to the attack too.
        this.synsAtStart = target.syns() - Math.round(target.synsInWindow(startNs));
        this.completedAtStart = target.completed();
        this.failedAtStart = target.failed();
        this.lastUpdateNs = startNs;
        this.lastLoudNs = startNs;
        this.lastTickNs = startNs;
        this.lastTickSyns = target.syns();
    }

    void observe(double synRate, int halfOpen) {
        if (synRate > peakSynRate) {
            peakSynRate = synRate;
        }
        if (halfOpen > peakHalfOpen) {
            peakHalfOpen = halfOpen;
        }
    }
}
