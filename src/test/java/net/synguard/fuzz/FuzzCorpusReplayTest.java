package net.synguard.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import net.synguard.decode.FrameDecoderFuzzTarget;
import net.synguard.mitigate.CookiePathFuzzTarget;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays the checked-in fuzzing corpus (src/test/resources/fuzz/TARGET/, minimized by
 * tests/fuzz/campaign.sh) through each target: every input must pass its target's checks without an
 * exception. The corpus is the campaign's coverage, so this keeps what it explored explored.
 */
class FuzzCorpusReplayTest {
    private static final int MIN_INPUTS = 20;

    @TestFactory
    Stream<DynamicTest> decoder() throws Exception {
        return replay("decoder", FrameDecoderFuzzTarget::fuzzerTestOneInput);
    }

    @TestFactory
    Stream<DynamicTest> cookie() throws Exception {
        return replay("cookie", CookiePathFuzzTarget::fuzzerTestOneInput);
    }

    /**
     * The cookie corpus is kept for the states it reaches: SYN-ACKs, verifications by both
     * handoffs, refused cookies. A corpus that lost one of them needs another campaign.
     */
    @Test
    void cookieCorpusReachesEveryAnswer() throws Exception {
        CookiePathFuzzTarget.Reached.reset();
        for (Path p : inputs("cookie")) {
            CookiePathFuzzTarget.fuzzerTestOneInput(Files.readAllBytes(p));
        }
        long[] reached = CookiePathFuzzTarget.Reached.counts();
        assertThat(reached[0]).as("SYN-ACKs sent").isPositive();
        assertThat(reached[1]).as("sources verified by a retry RST").isPositive();
        assertThat(reached[2]).as("sources verified by a reset ACK").isPositive();
        assertThat(reached[3]).as("cookies refused").isPositive();
    }

    private Stream<DynamicTest> replay(String target, Consumer<byte[]> fuzzerTestOneInput)
            throws IOException, URISyntaxException {
        return inputs(target).stream()
                .map(p -> DynamicTest.dynamicTest(
                        target + "/" + p.getFileName(), () -> fuzzerTestOneInput.accept(Files.readAllBytes(p))));
    }

    private List<Path> inputs(String target) throws IOException, URISyntaxException {
        var url = getClass().getResource("/fuzz/" + target);
        assertThat(url)
                .as("corpus directory fuzz/%s on the test classpath", target)
                .isNotNull();
        List<Path> inputs;
        try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
            inputs = files.filter(Files::isRegularFile).sorted().toList();
        }
        assertThat(inputs).as("inputs in fuzz/%s", target).hasSizeGreaterThanOrEqualTo(MIN_INPUTS);
        return inputs;
    }
}
