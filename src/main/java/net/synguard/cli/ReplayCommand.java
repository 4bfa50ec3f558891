package net.synguard.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import net.synguard.alert.Slf4jAlertSink;
import net.synguard.capture.CaptureException;
import net.synguard.capture.CaptureFiles;
import net.synguard.capture.PacketSource;
import net.synguard.capture.ReadAheadSource;
import net.synguard.config.SynguardConfig;
import net.synguard.pipeline.Pipeline;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code synguard replay [--config FILE] [--alerts FILE] CAPTURE}: the daemon's pipeline over a
 * capture file. Packet time is the clock, so the events are those the daemon would have written
 * live, and the same file gives the same bytes on every run.
 */
@Command(
        name = "replay",
        description = "Analyse a pcap/pcapng capture: alert events as JSON lines on stdout, a summary on stderr.")
final class ReplayCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "Config file (default: built-in defaults).")
    private Path config;

    @Option(names = "--alerts", paramLabel = "FILE", description = "Write alert events to FILE instead of stdout.")
    private Path alerts;

    @Option(
            names = "--read-ahead",
            paramLabel = "auto|on|off",
            defaultValue = "auto",
            converter = ReadAheadConverter.class,
            description = "Read the file on a second thread while the pipeline analyses (ffm engine;"
                    + " auto: when there are 2+ processors). Default: ${DEFAULT-VALUE}.")
    private CaptureFiles.ReadAhead readAhead;

    @Option(
            names = "--prefetch-depth",
            paramLabel = "N",
            defaultValue = "" + Pipeline.PREFETCH_DEPTH,
            converter = PrefetchDepthConverter.class,
            description = "Frames held back to load their table lines before they are analysed"
                    + " (0: off; a power of two, 2..1024). The output is the same for any value."
                    + " Default: ${DEFAULT-VALUE}.")
    private int prefetchDepth;

    @Parameters(
            paramLabel = "CAPTURE",
            description = "A pcap or pcapng file (the format is read from its magic number).")
    private Path capture;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        SynguardConfig cfg = ConfigFiles.loadOrReport(config, err);
        if (cfg == null) {
            return ExitCodes.CONFIG;
        }
        if (alerts != null) {
            AlertOutput.toFile(alerts);
        }
        Slf4jAlertSink sink = new Slf4jAlertSink();
        long startNs = System.nanoTime();
        long startCpuNs = ReplaySummary.threadCpuNs();
        try (PacketSource source =
                CaptureFiles.open(capture, cfg.capture().engine(), readAhead, n -> err.println("synguard: " + n))) {
            Pipeline pipeline = new Pipeline(cfg, source.linkType(), sink);
            pipeline.holdBack(prefetchDepth);
            int code = ExitCodes.OK;
            try {
                source.run(pipeline);
            } catch (CaptureException e) {
                // Keep what was read: finish the analysis and report, then fail.
                err.println("synguard: " + e.getMessage());
                code = ExitCodes.IO;
            }
            pipeline.finish();
            AlertOutput.close();
            ReplaySummary.print(
                    err,
                    capture,
                    source.describe(),
                    pipeline,
                    sink,
                    System.nanoTime() - startNs,
                    ReplaySummary.threadCpuNs()
                            - startCpuNs
                            + (source instanceof ReadAheadSource ahead ? ahead.readerCpuNs() : 0));
            return code;
        } catch (CaptureException e) {
            err.println("synguard: " + e.getMessage());
            AlertOutput.close();
            return e.getMessage().endsWith("no such file") ? ExitCodes.NO_INPUT : ExitCodes.DATA;
        }
    }

    /** 0, or a power of two from 2 to 1024, with the expected values in the error. */
    static final class PrefetchDepthConverter implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int n;
            try {
                n = Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new TypeConversionException(
                        "'" + value + "' is not a number (expected: 0, or a power of two 2..1024)");
            }
            if (n != 0 && (n < 2 || n > 1024 || Integer.bitCount(n) != 1)) {
                throw new TypeConversionException(n + " (expected: 0, or a power of two 2..1024)");
            }
            return n;
        }
    }

    /** {@code auto}, {@code on}, {@code off} in any case, with the expected values in the error. */
    static final class ReadAheadConverter implements ITypeConverter<CaptureFiles.ReadAhead> {
        @Override
        public CaptureFiles.ReadAhead convert(String value) {
            try {
                return CaptureFiles.ReadAhead.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
