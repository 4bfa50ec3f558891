package net.synguard.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * What to do about an attack (DESIGN.md, "Mitigation"): when the SYN-cookie responder runs, how a
 * verified client reaches the server, the responder's limits, blocking of few-source floods, the
 * nftables command and the optional kernel playbook. Checked by the validator; the comments in
 * config/synguard.conf say what each value means.
 *
 * @param verifiedTimeout how long a source that answered a cookie passes without another challenge
 * @param maxSynAckRate SYN-ACKs per second the responder sends at most, all clients together
 * @param prefixSynAckRate SYN-ACKs per second at most to one client prefix (pressure's prefix lengths)
 * @param unansweredLimit challenges a source may leave unanswered before it is not answered for
 *     {@code unansweredBackoff}
 * @param challengeTable slots of the table that remembers recent challenges per source
 * @param purgeHalfOpen at activation, destroy the kernel's half-open entries of the protected
 *     services (they are the flood's, queued before detection)
 * @param cookieKeyRotation how often the cookie keys are replaced
 * @param nftCommand the words that run nft
 */
public record MitigationConfig(
        Mode mode,
        Handoff handoff,
        Engine engine,
        Duration verifiedTimeout,
        int maxSynAckRate,
        int prefixSynAckRate,
        int unansweredLimit,
        Duration unansweredBackoff,
        int challengeTable,
        boolean purgeHalfOpen,
        Duration cookieKeyRotation,
        Block block,
        List<String> nftCommand,
        Kernel kernel) {

    public MitigationConfig {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(handoff, "handoff");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(verifiedTimeout, "verifiedTimeout");
        Objects.requireNonNull(unansweredBackoff, "unansweredBackoff");
        Objects.requireNonNull(cookieKeyRotation, "cookieKeyRotation");
        Objects.requireNonNull(block, "block");
        Objects.requireNonNull(kernel, "kernel");
        nftCommand = List.copyOf(nftCommand);
    }

    /** The shipped defaults with another mode and handoff (tests). */
    public static MitigationConfig of(Mode mode, Handoff handoff) {
        return new MitigationConfig(
                mode,
                handoff,
                Engine.RESPONDER,
                Duration.ofMinutes(10),
                200_000,
                2_000,
                4,
                Duration.ofSeconds(30),
                262_144,
                true,
                Duration.ofHours(1),
                new Block(true, Duration.ofMinutes(10), 0.05),
                List.of("nft"),
                new Kernel(OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty()));
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

    /** Who answers the flood. */
    public enum Engine {
        /** synguard's user-space SYN-cookie responder plus the nftables drop of unverified SYNs. */
        RESPONDER("responder"),
        /** The kernel's own cookies through an nftables synproxy rule; no user-space answers. */
        KERNEL_SYNPROXY("kernel-synproxy");

        private final String configName;

        Engine(String configName) {
            this.configName = configName;
        }

        /** The spelling in the config file. */
        public String configName() {
            return configName;
        }
    }

    /**
     * Blocking of sources that flood from few real addresses.
     *
     * @param minShare a top source is blocked when it sent at least this share of the attack's SYNs
     */
    public record Block(boolean enabled, Duration timeout, double minShare) {
        public Block {
            Objects.requireNonNull(timeout, "timeout");
        }
    }

    /**
     * The kernel playbook: each sysctl set while an attack is mitigated and restored after; empty
     * leaves it alone ("keep").
     */
    public record Kernel(OptionalInt syncookies, OptionalInt maxSynBacklog, OptionalInt synackRetries) {
        public Kernel {
            Objects.requireNonNull(syncookies, "syncookies");
            Objects.requireNonNull(maxSynBacklog, "maxSynBacklog");
            Objects.requireNonNull(synackRetries, "synackRetries");
        }

        public boolean isEmpty() {
            return syncookies.isEmpty() && maxSynBacklog.isEmpty() && synackRetries.isEmpty();
        }
    }
}
