package net.synguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code replay --read-ahead}: a value other than auto, on or off is a usage error naming them. */
class ReplayReadAheadOptionTest {
    @Test
    void anUnknownValueIsAUsageErrorThatListsTheChoices() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        int code;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            code = Main.run("replay", "--read-ahead", "yes", "tests/captures/lucid__CIC-DDoS-2019-SynFlood.pcap");
        } finally {
            System.setErr(saved);
        }
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("read-ahead: yes (expected: auto, on or off)");
    }
}
