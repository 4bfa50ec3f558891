package net.synguard.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import net.synguard.config.ConfigError;
import net.synguard.config.ConfigLoader;
import net.synguard.config.SynguardConfig;

/** Loads the config a command was given (or the built-in defaults), reporting a bad file on stderr. */
final class ConfigFiles {
    private ConfigFiles() {}

    /** The config, or null after printing why {@code file} is invalid (the caller exits 78). */
    static SynguardConfig loadOrReport(Path file, PrintWriter err) {
        try {
            return file == null ? ConfigLoader.defaults() : ConfigLoader.load(file);
        } catch (ConfigError e) {
            err.println("synguard: invalid config: " + e.getMessage());
            return null;
        }
    }
}
