package net.synguard.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import net.synguard.config.ConfigError;
import net.synguard.config.ConfigLoader;
import net.synguard.config.SynguardConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code synguard check-config FILE}: validates a config file and prints the config in force. */
@Command(
        name = "check-config",
        description = "Validate a config file and print the effective configuration (exit 78 if invalid).")
final class CheckConfigCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The config file, e.g. /etc/synguard/synguard.conf")
    private Path file;

    @Override
    public Integer call() {
        SynguardConfig cfg;
        try {
            cfg = ConfigLoader.load(file);
        } catch (ConfigError e) {
            spec.commandLine().getErr().println("synguard: invalid config: " + e.getMessage());
            return ExitCodes.CONFIG;
        }
        spec.commandLine().getOut().print(ConfigLoader.render(cfg));
        spec.commandLine().getOut().flush();
        spec.commandLine().getErr().println("synguard: " + file + ": OK");
        return ExitCodes.OK;
    }
}
