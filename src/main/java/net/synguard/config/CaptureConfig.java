package net.synguard.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How frames are captured.
 *
 * @param snaplen bytes kept of each frame
 * @param bufferSizeBytes kernel capture buffer per interface
 * @param engine the read-loop engine: {@code "ffm"} (libpcap through FFM) or {@code "pcap4j"}
 * @param tick the quiet-wire tick that advances the packet clock when no packet arrives
 * @param filter the BPF filter of live captures (tcpdump syntax), checked by libpcap's compiler
 */
public record CaptureConfig(int snaplen, long bufferSizeBytes, String engine, Duration tick, String filter) {

    public CaptureConfig {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(tick, "tick");
        Objects.requireNonNull(filter, "filter");
    }
}
