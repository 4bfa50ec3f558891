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
    long belowSinceNs = -1;
    Verdict lastVerdict;

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
