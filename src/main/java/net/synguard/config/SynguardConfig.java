package net.synguard.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The validated configuration: the shipped defaults with the operator's file laid over them.
 * Build it with {@link ConfigLoader}; every value here has passed its range check.
 *
 * @param interfaces capture (and responder) interfaces, at least one
 * @param protect servers to watch and defend; empty means every destination
 * @param origin the file the values came from, or {@code "defaults"}
 */
public record SynguardConfig(
        List<String> interfaces,
        List<ProtectedService> protect,
        CaptureConfig capture,
        TrackConfig track,
        PressureConfig pressure,
        DetectConfig detect,
        MitigationConfig mitigation,
        AlertsConfig alerts,
        MetricsConfig metrics,
        Path stateDir,
        String origin) {

    public SynguardConfig {
        interfaces = List.copyOf(interfaces);
        protect = List.copyOf(protect);
        Objects.requireNonNull(capture, "capture");
        Objects.requireNonNull(track, "track");
        Objects.requireNonNull(pressure, "pressure");
        Objects.requireNonNull(detect, "detect");
        Objects.requireNonNull(mitigation, "mitigation");
        Objects.requireNonNull(alerts, "alerts");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(origin, "origin");
    }

    /**
     * The keys whose change a reload cannot apply: they size the tables, set up the capture handles
     * or the listening socket, so they keep their values until the daemon restarts. Everything else
     * (thresholds, classification, the protect list, alerts) applies at once. Mitigation
     * owns the nftables table and the responder's tables, so its keys wait for a restart too.
     */
    public List<String> restartKeys(SynguardConfig next) {
        List<String> keys = new java.util.ArrayList<>();
        if (!next.interfaces.equals(interfaces)) {
            keys.add("synguard.interfaces");
        }
        if (!next.capture.equals(capture)) {
            keys.add("synguard.capture");
        }
        if (!next.track.equals(track)) {
            keys.add("synguard.track");
        }
        if (!next.pressure.equals(pressure)) {
            keys.add("synguard.pressure");
        }
        if (!next.detect.window().equals(detect.window())) {
            keys.add("synguard.detect.window");
        }
        if (!next.alerts.file().equals(alerts.file())) {
            keys.add("synguard.alerts.file");
        }
        if (!next.metrics.equals(metrics)) {
            keys.add("synguard.metrics");
        }
        if (!next.mitigation.equals(mitigation)) {
            keys.add("synguard.mitigation");
        }
        if (!next.stateDir.equals(stateDir)) {
            keys.add("synguard.state-dir");
        }
        return List.copyOf(keys);
    }

    /** The same values with another origin, for comparing configurations from different files. */
    public SynguardConfig withOrigin(String newOrigin) {
        return new SynguardConfig(
                interfaces,
                protect,
                capture,
                track,
                pressure,
                detect,
                mitigation,
                alerts,
                metrics,
                stateDir,
                newOrigin);
    }
}
