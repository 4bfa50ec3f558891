package net.synguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code replay --prefetch-depth}: 0 or a power of two from 2 to 1024; anything else is a usage error. */
class ReplayPrefetchDepthOptionTest {
    @ParameterizedTest
    @ValueSource(strings = {"3", "1", "2048", "-2", "many"})
    void aBadDepthIsAUsageErrorThatSaysWhatIsExpected(String depth) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        int code;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            code = Main.run("replay", "--prefetch-depth", depth, "tests/captures/lucid__CIC-DDoS-2019-SynFlood.pcap");
        } finally {
            System.setErr(saved);
        }
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("expected: 0, or a power of two 2..1024");
    }
}
