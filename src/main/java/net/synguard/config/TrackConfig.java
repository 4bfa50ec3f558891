package net.synguard.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The half-open handshake table.
 *
 * @param capacity most half-open entries tracked at once
 * @param synackRetries the server's {@code net.ipv4.tcp_synack_retries}
 * @param initialRto the server's initial SYN-ACK retransmission timeout; with synackRetries it
 *     gives the half-open timeout ({@code net.synguard.track.HalfOpenTimeout})
 */
public record TrackConfig(int capacity, int synackRetries, Duration initialRto) {

    public TrackConfig {
        Objects.requireNonNull(initialRto, "initialRto");
    }
}
