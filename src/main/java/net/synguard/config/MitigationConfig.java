package net.synguard.config;

import java.util.Locale;
import java.util.Objects;

/**
 * What to do about an attack. Validated now, acted on by a later version (this one only detects).
 */
public record MitigationConfig(Mode mode, Handoff handoff) {

    public MitigationConfig {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(handoff, "handoff");
    }

    /** When the SYN-cookie responder runs. */
    public enum Mode {
        /** While an attack is active. */
        AUTO,
        /** All the time, for protected ports. */
        ALWAYS,
        /** Never: detect and alert only. */
        OFF;

        /** The spelling in the config file. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How a client verified by a SYN cookie reaches the real server (see DESIGN.md). */
    public enum Handoff {
        /** Wrong-ACK SYN-ACK; the client's RST carries the cookie, its SYN retransmission passes. */
        RETRY,
        /** Classic cookie in the SYN-ACK, then a reset so the client reconnects. */
        RESET,
        /** Retry first, reset for sources that never answer the retry SYN-ACK. */
        AUTO;

        /** The spelling in the config file. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
