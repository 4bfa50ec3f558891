package net.synguard.detect;

import net.synguard.alert.JsonLine;

/**
 * Who acts on attacks besides the alert log: the daemon's mitigation. Called on the capture thread
 * that saw the attack, right after its event is written; implementations must return quickly.
 */
public interface AttackListener {
    /** Nobody: replays and monitor-only pipelines. */
    AttackListener NONE = new AttackListener() {};

    /** An attack on {@code (hi, lo)} started ({@code attack_started} was just written). */
    default void started(String attackId, long hi, long lo, Verdict verdict, long nowNs) {}

    /** A periodic update of an attack in progress, with its fresh classification. */
    default void updated(String attackId, long hi, long lo, Verdict verdict, long nowNs) {}

    /**
     * Whether SYNs to {@code (hi, lo)} from unverified sources are being dropped before the kernel
     * queues them: they are then not tracked as half-open, so a half-open attack's loudness is its
     * SYN arrivals alone.
     */
    default boolean enforcing(long hi, long lo) {
        return false;
    }

    /** The attack ended ({@code attack_ended} was just written). */
    default void ended(String attackId, long hi, long lo, long nowNs) {}

    /**
     * Writes what was done about the attack into the {@code mitigation} object of its {@code
     * attack_ended} event (the object is open). Without mitigation: mode {@code monitor} and zeros,
     * so scripts read the same fields either way.
     */
    default void addTo(String attackId, JsonLine mitigation) {
        mitigation
                .field("mode", "monitor")
                .field("cookies_sent", 0)
                .field("sources_verified", 0)
                .field("syns_dropped", 0);
    }
}
