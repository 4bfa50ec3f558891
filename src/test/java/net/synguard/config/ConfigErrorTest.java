package net.synguard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One test per kind of mistake, each asserting the exact message an operator reads. */
class ConfigErrorTest {

    private static final String ETC = "/etc/synguard/synguard.conf";

    @TempDir
    Path dir;

    private Path write(String text) throws IOException {
        Path file = dir.resolve("synguard.conf");
        Files.writeString(file, text);
        return file;
    }

    private static ConfigError parseError(String hocon) {
        return catchThrowableOfType(ConfigError.class, () -> ConfigLoader.parse(hocon, ETC));
    }

    private static String message(String hocon) {
        ConfigError e = parseError(hocon);
        assertThat(e).as("expected a ConfigError for: %s", hocon).isNotNull();
        return e.getMessage();
    }

    @Test
    void exitCodeIsExConfig() {
        assertThat(ConfigError.EXIT_CODE).isEqualTo(78).isEqualTo(ConfigError.EX_CONFIG);
    }

    @Test
    void errorInAFileNamesFileLineKeyValueAndExpectation() throws Exception {
        Path file = write("""
                synguard {
                  detect {
                    destination {
                      syn-rate = -5
                    }
                  }
                }
                """);

        ConfigError e = catchThrowableOfType(ConfigError.class, () -> ConfigLoader.load(file));

        assertThat(e.getMessage())
                .isEqualTo(file + ":4: synguard.detect.destination.syn-rate = -5: expected a number greater than 0");
        assertThat(e.file()).isEqualTo(file.toString());
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.key()).isEqualTo("synguard.detect.destination.syn-rate");
        assertThat(e.value()).isEqualTo("-5");
        assertThat(e.expected()).isEqualTo("a number greater than 0");
    }

    @Test
    void wrongTypeStringForANumber() {
        assertThat(message("synguard.detect.destination.half-open = \"lots\""))
                .isEqualTo(ETC + ":1: synguard.detect.destination.half-open = \"lots\": "
                        + "expected an integer greater than 0");
        assertThat(message("synguard.capture.snaplen = 100.5"))
                .isEqualTo(ETC + ":1: synguard.capture.snaplen = 100.5: expected an integer between 64 and 65535");
        assertThat(message("synguard.interfaces = eth0"))
                .isEqualTo(ETC + ":1: synguard.interfaces = \"eth0\": expected a list of at least one interface name");
    }

    @Test
    void negativeThreshold() {
        assertThat(message("synguard.detect.destination.syn-rate = -5"))
                .isEqualTo(ETC + ":1: synguard.detect.destination.syn-rate = -5: expected a number greater than 0");
    }

    @Test
    void zeroRate() {
        assertThat(message("synguard.detect.source.syn-rate = 0"))
                .isEqualTo(ETC + ":1: synguard.detect.source.syn-rate = 0: expected a number greater than 0");
    }

    @Test
    void outOfRangeValues() {
        assertThat(message("synguard.detect.destination.completion-ratio = 1.5"))
                .isEqualTo(ETC + ":1: synguard.detect.destination.completion-ratio = 1.5: "
                        + "expected a number between 0 and 1");
        assertThat(message("synguard.detect.end-ratio = 0"))
                .isEqualTo(ETC + ":1: synguard.detect.end-ratio = 0: expected a number greater than 0 and at most 1");
        assertThat(message("synguard.capture.tick = 5ms"))
                .isEqualTo(ETC + ":1: synguard.capture.tick = \"5ms\": expected a duration between 10ms and 1s");
        assertThat(message("synguard.capture.buffer-size = 2GiB"))
                .isEqualTo(ETC + ":1: synguard.capture.buffer-size = \"2GiB\": "
                        + "expected a size from 1MiB up to (not including) 2GiB, such as 64MiB");
    }

    @Test
    void missingRequiredValue() {
        assertThat(message("synguard.interfaces = []"))
                .isEqualTo(ETC + ":1: synguard.interfaces = []: expected a list of at least one interface name");
        assertThat(message("synguard {\n  protect = [\n    { ports = [ 80 ] }\n  ]\n}"))
                .isEqualTo(ETC + ":3: synguard.protect[0].address is missing: "
                        + "expected an IPv4 or IPv6 address literal (names are not resolved)");
        assertThat(message("synguard.capture.snaplen = null"))
                .isEqualTo(ETC + ":1: synguard.capture.snaplen = null: expected an integer between 64 and 65535");
    }

    @Test
    void unknownKeyWithSuggestion() {
        ConfigError e = parseError("synguard {\n  detect.destination {\n    synrate = 5000\n  }\n}");

        assertThat(e.getMessage())
                .isEqualTo(ETC + ":3: synguard.detect.destination.synrate = 5000: "
                        + "expected a known key, did you mean synguard.detect.destination.syn-rate?");
        assertThat(e.key()).isEqualTo("synguard.detect.destination.synrate");
    }

    @Test
    void unknownKeyInTheWrongPlaceOrWithoutSuggestion() {
        assertThat(message("interfaces = [ eth1 ]"))
                .isEqualTo(
                        ETC + ":1: interfaces = [\"eth1\"]: expected a known key, did you mean synguard.interfaces?");
        assertThat(message("synguard.protect = [ { address = \"192.0.2.1\", port = 80 } ]"))
                .isEqualTo(ETC + ":1: synguard.protect[0].port = 80: "
                        + "expected a known key, did you mean synguard.protect[0].ports?");
        assertThat(message("synguard.xyzzy = 1")).isEqualTo(ETC + ":1: synguard.xyzzy = 1: expected a known key");
        assertThat(message("synguard.capture = 5"))
                .isEqualTo(
                        ETC
                                + ":1: synguard.capture = 5: expected an object { buffer-size, engine, filter, snaplen, tick }");
    }

    @Test
    void badInterfaceName() {
        assertThat(message("synguard.interfaces = [ \"enp0s31f6-toolong\" ]"))
                .isEqualTo(ETC + ":1: synguard.interfaces[0] = \"enp0s31f6-toolong\": "
                        + "expected an interface name of at most 15 bytes (Linux IFNAMSIZ)");
        assertThat(message("synguard.interfaces = [ eth0, \"eth/1\" ]"))
                .isEqualTo(ETC + ":1: synguard.interfaces[1] = \"eth/1\": "
                        + "expected an interface name without '/', ':', whitespace or control characters");
        assertThat(message("synguard.interfaces = [ \"..\" ]"))
                .isEqualTo(ETC + ":1: synguard.interfaces[0] = \"..\": "
                        + "expected an interface name other than \".\" and \"..\"");
        assertThat(message("synguard.interfaces = [ eth0, eth0 ]"))
                .isEqualTo(ETC + ":1: synguard.interfaces[1] = \"eth0\": expected an interface not already listed");
        // exactly 15 bytes is the longest Linux accepts
        assertThat(catchThrowableOfType(
                        ConfigError.class,
                        () -> ConfigLoader.parse("synguard.interfaces = [ \"enp0s31f6-12345\" ]", "t")))
                .isNull();
    }

    @Test
    void badAddress() {
        assertThat(message("synguard.protect = [ { address = \"10.0.0.300\" } ]"))
                .isEqualTo(ETC + ":1: synguard.protect[0].address = \"10.0.0.300\": "
                        + "expected an IPv4 or IPv6 address literal (names are not resolved)");
        // a name is refused as it stands: never looked up (InetAddresses.forString does no DNS)
        assertThat(message("synguard.protect = [ { address = \"example.com\" } ]"))
                .isEqualTo(ETC + ":1: synguard.protect[0].address = \"example.com\": "
                        + "expected an IPv4 or IPv6 address literal (names are not resolved)");
        assertThat(message("synguard.protect = [ { address = \"fe80::1%eth0\" } ]"))
                .isEqualTo(ETC + ":1: synguard.protect[0].address = \"fe80::1%eth0\": "
                        + "expected an IPv4 or IPv6 address literal (names are not resolved)");
        assertThat(message("synguard.protect = [ { address = \"192.0.2.1\" }, { address = \"::ffff:192.0.2.1\" } ]"))
                .isEqualTo(ETC + ":1: synguard.protect[1].address = \"::ffff:192.0.2.1\": "
                        + "expected an address not already listed (put all its ports in one entry)");
        assertThat(message("synguard.metrics.listen = \"localhost:9477\""))
                .isEqualTo(ETC + ":1: synguard.metrics.listen = \"localhost:9477\": "
                        + "expected HOST:PORT or [IPv6]:PORT, HOST an IP address literal, PORT between 1 and 65535");
    }

    @Test
    void badPort() {
        assertThat(message("synguard.protect = [ { address = \"192.0.2.1\", ports = [ 0 ] } ]"))
                .isEqualTo(ETC + ":1: synguard.protect[0].ports[0] = 0: expected a port number between 1 and 65535");
        assertThat(message("synguard.protect = [ { address = \"192.0.2.1\", ports = [ 80, 70000 ] } ]"))
                .isEqualTo(ETC + ":1: synguard.protect[0].ports[1] = 70000: "
                        + "expected a port number between 1 and 65535");
        assertThat(message("synguard.protect = [ { address = \"192.0.2.1\", ports = [ 80, 443, 80 ] } ]"))
                .isEqualTo(ETC + ":1: synguard.protect[0].ports[2] = 80: expected a port not already listed");
        assertThat(message("synguard.metrics.listen = \"127.0.0.1:0\""))
                .isEqualTo(ETC + ":1: synguard.metrics.listen = \"127.0.0.1:0\": "
                        + "expected HOST:PORT or [IPv6]:PORT, HOST an IP address literal, PORT between 1 and 65535");
    }

    @Test
    void badEnumValue() {
        assertThat(message("synguard.mitigation.mode = \"maybe\""))
                .isEqualTo(ETC + ":1: synguard.mitigation.mode = \"maybe\": expected one of auto, always, off");
        assertThat(message("synguard.mitigation.handoff = RETRY"))
                .isEqualTo(ETC + ":1: synguard.mitigation.handoff = \"RETRY\": expected one of retry, reset, auto");
        assertThat(message("synguard.capture.engine = libpcap"))
                .isEqualTo(ETC + ":1: synguard.capture.engine = \"libpcap\": expected one of ffm, pcap4j");
    }

    @Test
    void badBpfFilter() {
        assertThat(message("synguard.capture.filter = \"tcp and port eighty\""))
                .startsWith(
                        ETC + ":1: synguard.capture.filter = \"tcp and port eighty\": expected a BPF filter expression"
                                + " (tcpdump syntax) that libpcap compiles (libpcap: ")
                .contains("eighty");
    }

    @Test
    void hookMustBeAnAbsoluteProgram() {
        assertThat(message("synguard.alerts.hook.command = [ notify-send, hi ]"))
                .isEqualTo(
                        ETC + ":1: synguard.alerts.hook.command[0] = \"notify-send\": expected an absolute path to the"
                                + " program (no PATH lookup in a daemon)");
    }

    @Test
    void relativePath() {
        assertThat(message("synguard.state-dir = \"var/lib/synguard\""))
                .isEqualTo(ETC + ":1: synguard.state-dir = \"var/lib/synguard\": expected an absolute path");
    }

    @Test
    void hoconSyntaxError() throws Exception {
        Path file = write("synguard {\n  detect {\n    window = 1s\n  }\n");

        ConfigError e = catchThrowableOfType(ConfigError.class, () -> ConfigLoader.load(file));

        assertThat(e.getMessage()).isEqualTo(file + ":5: syntax error: end of file before a closing '}'");
        assertThat(e.key()).isNull();
        assertThat(message("synguard { interfaces = [ eth0 \n state-dir = \"/x\" }"))
                .startsWith(ETC + ":2: syntax error: List should have ended with ] or had a comma");
    }

    @Test
    void unresolvedSubstitution() {
        assertThat(message("synguard.state-dir = ${STATE}"))
                .isEqualTo(ETC + ":1: unresolved substitution: Could not resolve substitution to a value: ${STATE}");
    }

    @Test
    void missingFile() {
        Path file = dir.resolve("nope.conf");

        ConfigError e = catchThrowableOfType(ConfigError.class, () -> ConfigLoader.load(file));

        assertThat(e.getMessage()).isEqualTo(file + ": cannot read: no such file");
        assertThat(e.line()).isZero();
    }

    @Test
    void directoryInsteadOfFile() {
        ConfigError e = catchThrowableOfType(ConfigError.class, () -> ConfigLoader.load(dir));

        assertThat(e.getMessage()).isEqualTo(dir + ": cannot read: is a directory");
    }

    @Test
    void unknownKeysAreReportedFirstThenValuesInTheShippedFileOrder() {
        assertThat(message("synguard {\n  capture.snaplen = 1\n  bogus = 2\n}"))
                .isEqualTo(ETC + ":3: synguard.bogus = 2: expected a known key");
        assertThat(message("synguard {\n  alerts.top-sources = 0\n  capture.snaplen = 1\n}"))
                .isEqualTo(ETC + ":3: synguard.capture.snaplen = 1: expected an integer between 64 and 65535");
    }
}
