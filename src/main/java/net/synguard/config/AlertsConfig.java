package net.synguard.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The alert log.
 *
 * @param file JSON-lines alert log, an absolute path
 * @param topSources sources listed in attack events
 */
public record AlertsConfig(Path file, int topSources) {

    public AlertsConfig {
        Objects.requireNonNull(file, "file");
    }
}
