package net.synguard.mitigate;

import static net.synguard.mitigate.Flows.PERIOD_NS;
import static net.synguard.mitigate.Flows.ROTATION_NS;
import static net.synguard.mitigate.Flows.T0;
import static net.synguard.mitigate.Flows.V4;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CookieKeysTest {
    @TempDir
    Path dir;

    private CookieKeys open() throws CookieKeysException {
        return CookieKeys.open(dir, PERIOD_NS, ROTATION_NS);
    }

    private Path file() {
        return dir.resolve(CookieKeys.FILE_NAME);
    }

    @Test
    void keyFileIsOwnerOnly() throws Exception {
        CookieKeys keys = open();
        assertThat(keys.loadWarning()).isEmpty();
        assertThat(keys.file()).contains(file());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file())))
                .isEqualTo("rw-------");
        assertThat(Files.size(file())).isEqualTo(CookieKeys.FILE_SIZE);
        assertThat(otherFiles()).as("no temporary file left").isEmpty();
    }

    @Test
    void cookiesSurviveARestart() throws Exception {
        CookieKeys first = open();
        int cookie = V4.encode(new CookieCodec(first), 42, 1440, T0);

        CookieKeys second = open();
        assertThat(second.loadWarning()).isEmpty();
        assertThat(V4.check(new CookieCodec(second), cookie, 42, T0 + PERIOD_NS))
                .isEqualTo(2);
    }

    @Test
    void rotationIsSavedAndThePreviousKeySurvivesARestart() throws Exception {
        CookieKeys keys = open();
        CookieCodec codec = new CookieCodec(keys);
        keys.maybeRotate(T0);
        long due = T0 + ROTATION_NS;
        int before = V4.encode(codec, 1, 536, due - 1);
        assertThat(keys.maybeRotate(due)).isTrue();
        int after = V4.encode(codec, 2, 1460, due + PERIOD_NS);

        CookieKeys reloaded = open();
        CookieCodec again = new CookieCodec(reloaded);
        assertThat(reloaded.ring()).isEqualTo(keys.ring());
        assertThat(V4.check(again, before, 1, due + 1)).isZero();
        assertThat(V4.check(again, after, 2, due + PERIOD_NS)).isEqualTo(3);
        assertThat(reloaded.maybeRotate(due + 1))
                .as("the schedule was saved too")
                .isFalse();
        assertThat(reloaded.maybeRotate(due + ROTATION_NS)).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file())))
                .isEqualTo("rw-------");
        assertThat(otherFiles()).isEmpty();
    }

    @Test
    void corruptFileIsReplacedWithAWarning() throws Exception {
        open();
        byte[] bytes = Files.readAllBytes(file());
        bytes[40] ^= 1;
        Files.write(file(), bytes);

        CookieKeys keys = open();
        assertThat(keys.loadWarning())
                .hasValueSatisfying(w -> assertThat(w)
                        .contains(file().toString())
                        .contains("checksum")
                        .contains("replaced with new keys"));
        assertThat(open().loadWarning()).as("the replacement is valid").isEmpty();
    }

    @Test
    void shortFileIsReplacedWithAWarning() throws Exception {
        Files.write(file(), new byte[10]);
        Files.setPosixFilePermissions(file(), PosixFilePermissions.fromString("rw-------"));
        assertThat(open().loadWarning()).hasValueSatisfying(w -> assertThat(w).contains("is 10 bytes (expected: 96)"));
        assertThat(Files.size(file())).isEqualTo(CookieKeys.FILE_SIZE);

        Files.write(file(), new byte[1000]);
        assertThat(open().loadWarning()).hasValueSatisfying(w -> assertThat(w).contains("more than 96 bytes"));
    }

    @Test
    void fileReadableByOthersIsReplaced() throws Exception {
        CookieKeys first = open();
        int cookie = V4.encode(new CookieCodec(first), 42, 1440, T0);
        Files.setPosixFilePermissions(file(), PosixFilePermissions.fromString("rw-r--r--"));

        CookieKeys second = open();
        assertThat(second.loadWarning()).hasValueSatisfying(w -> assertThat(w).contains("rw-r--r--"));
        assertThat(V4.check(new CookieCodec(second), cookie, 42, T0)).isEqualTo(CookieCodec.INVALID);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file())))
                .isEqualTo("rw-------");
    }

    @Test
    void wrongMagicOrVersionIsReplaced() throws Exception {
        open();
        byte[] bytes = Files.readAllBytes(file());
        bytes[7] = 2; // version 2
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(bytes, 0, CookieKeys.FILE_SIZE - 4);
        java.nio.ByteBuffer.wrap(bytes).putInt(CookieKeys.FILE_SIZE - 4, (int) crc.getValue());
        Files.write(file(), bytes);
        assertThat(open().loadWarning()).hasValueSatisfying(w -> assertThat(w).contains("version 2 (expected: 1)"));
    }

    @Test
    void missingStateDirectoryIsAClearError() {
        Path missing = dir.resolve("nope");
        assertThatThrownBy(() -> CookieKeys.open(missing, PERIOD_NS, ROTATION_NS))
                .isInstanceOf(CookieKeysException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("does not exist");
    }

    @Test
    void stateDirectoryThatIsAFileIsAClearError() throws IOException {
        Path plain = Files.createFile(dir.resolve("plain"));
        assertThatThrownBy(() -> CookieKeys.open(plain, PERIOD_NS, ROTATION_NS))
                .isInstanceOf(CookieKeysException.class)
                .hasMessageContaining(plain.toString())
                .hasMessageContaining("is not a directory");
    }

    @Test
    void unwritableStateDirectoryIsAClearError() throws IOException {
        Assumptions.assumeFalse("root".equals(System.getProperty("user.name")), "root writes anywhere");
        Path locked = Files.createDirectory(dir.resolve("locked"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-x------"));
        assertThatThrownBy(() -> CookieKeys.open(locked, PERIOD_NS, ROTATION_NS))
                .isInstanceOf(CookieKeysException.class)
                .hasMessageContaining(locked.toString())
                .hasMessageContaining("not writable");
    }

    @Test
    void rotationFasterThanTwoPeriodsIsRefused() {
        assertThatThrownBy(() -> CookieKeys.open(dir, PERIOD_NS, 2 * PERIOD_NS - 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least two cookie periods");
    }

    @Test
    void secretsNeverPrint() throws Exception {
        assertThat(open().ring().current().toString()).doesNotContainPattern("[0-9]{5,}");
    }

    private java.util.List<Path> otherFiles() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !p.equals(file())).toList();
        }
    }
}
