package net.synguard.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The alert log.
 *
 * @param file JSON-lines alert log, an absolute path
 * @param topSources sources listed in attack events
 * @param hookCommand a command (argv) run with each event as JSON on stdin; empty = none
 * @param hookTimeout how long the hook may run before it is killed
 */
public record AlertsConfig(Path file, int topSources, List<String> hookCommand, Duration hookTimeout) {

    public AlertsConfig {
        Objects.requireNonNull(file, "file");
        hookCommand = List.copyOf(hookCommand);
        Objects.requireNonNull(hookTimeout, "hookTimeout");
    }
}
