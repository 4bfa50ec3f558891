package net.synguard.pipeline;

import java.nio.file.Path;
import net.synguard.capture.CaptureFiles;
import net.synguard.capture.PacketSource;
import net.synguard.config.ConfigLoader;
import net.synguard.config.SynguardConfig;

/** Runs a capture through a fresh pipeline, as {@code synguard replay} does. */
final class Replays {
    static final Path CAPTURES = Path.of("tests", "captures");

    record Result(Pipeline pipeline, CollectingSink sink) {}

    static Result replay(String capture) throws Exception {
        return replay(CAPTURES.resolve(capture), ConfigLoader.defaults());
    }

    static Result replay(Path file, SynguardConfig cfg) throws Exception {
        return replay(file, cfg, cfg.capture().engine());
    }

    static Result replay(Path file, SynguardConfig cfg, String engine) throws Exception {
        return replay(file, cfg, engine, 0);
    }

    /** With {@code prefetchDepth} frames held back ({@link Pipeline#holdBack}; 0: none). */
    static Result replay(Path file, SynguardConfig cfg, String engine, int prefetchDepth) throws Exception {
        CollectingSink sink = new CollectingSink();
        try (PacketSource src = CaptureFiles.open(file, engine, notice -> {
            throw new AssertionError("engine " + engine + " unavailable: " + notice);
        })) {
            Pipeline p = new Pipeline(cfg, src.linkType(), sink);
            p.holdBack(prefetchDepth);
            src.run(p);
            p.finish();
            return new Result(p, sink);
        }
    }

    private Replays() {}
}
