package net.synguard.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds of the per-source, per-prefix and per-destination pressure tables.
 *
 * @param idle entries not seen for this long are forgotten
 * @param ipv4PrefixLength prefix length grouping IPv4 sources
 * @param ipv6PrefixLength prefix length grouping IPv6 sources
 */
public record PressureConfig(
        int sources, int prefixes, int destinations, Duration idle, int ipv4PrefixLength, int ipv6PrefixLength) {

    public PressureConfig {
        Objects.requireNonNull(idle, "idle");
    }
}
