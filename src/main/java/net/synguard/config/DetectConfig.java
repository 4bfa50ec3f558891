package net.synguard.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Attack thresholds, hysteresis and classification.
 *
 * @param window rate window
 * @param endRatio an attack ends when its rates fall below this share of the thresholds
 * @param quietTime how long rates must stay below the end threshold before attack_ended
 * @param updateInterval period of attack_update events
 */
public record DetectConfig(
        DestinationThresholds destination,
        SourceThresholds source,
        Duration window,
        double endRatio,
        Duration quietTime,
        Duration updateInterval,
        Classify classify) {

    public DetectConfig {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(quietTime, "quietTime");
        Objects.requireNonNull(updateInterval, "updateInterval");
        Objects.requireNonNull(classify, "classify");
    }

    /**
     * When one destination address looks attacked.
     *
     * @param synRate SYNs per second to the address
     * @param halfOpen handshakes to the address waiting for their final ACK
     * @param completionRatio at or above this share of completed handshakes the address is busy,
     *     not flooded
     * @param minSyns SYNs in the window before the completion ratio is judged
     */
    public record DestinationThresholds(double synRate, int halfOpen, double completionRatio, int minSyns) {}

    /**
     * When one source address looks abusive.
     *
     * @param synRate SYNs per second from the source
     * @param failedHandshakes handshakes from the source that never completed
     */
    public record SourceThresholds(double synRate, int failedHandshakes) {}

    /**
     * How a flood is classified.
     *
     * @param spoofedMinSources distinct sources needed before a flood can be called spoofed
     * @param spoofedMaxRepeat SYNs per distinct source below which sources look spoofed
     * @param fewSourcesMax most sources of a "few sources" flood
     * @param fewSourcesShare share of the SYNs those few sources must send
     * @param scanMinPorts distinct destination ports that make a scan rather than a flood
     */
    public record Classify(
            int spoofedMinSources,
            double spoofedMaxRepeat,
            int fewSourcesMax,
            double fewSourcesShare,
            int scanMinPorts) {}
}
