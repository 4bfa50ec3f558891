package net.synguard.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code synguard} command: subcommands for each way operators and analysts use it. */
@Command(
        name = "synguard",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "SYN-flood detection and defense.",
        subcommands = {
            RunCommand.class,
            StatusCommand.class,
            ReplayCommand.class,
            CheckConfigCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code (tests call this). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("synguard: " + e);
            return ExitCodes.SOFTWARE;
        });
        return cl.execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
    }
}
