package net.synguard.alert;

/**
 * Adds what the daemon knows beside the wire to an attack event: the kernel's own counters, capture
 * drops. A replay has none of it and adds nothing, so replays stay reproducible.
 */
@FunctionalInterface
public interface EventContext {
    EventContext NONE = j -> {};

    /** Appends fields to {@code event}, which is open at its top level. */
    void addTo(JsonLine event);
}
