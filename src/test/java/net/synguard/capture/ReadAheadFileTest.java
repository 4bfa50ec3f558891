package net.synguard.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real captures through libpcap, read on the caller's thread and read ahead: the same frames in
 * the same order, and for a file cut short, the same frames before the same error.
 */
class ReadAheadFileTest {
    private static final Path CAPTURES = Path.of("tests", "captures");

    record Frame(byte[] bytes, long timestampNs) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Frame f && timestampNs == f.timestampNs && Arrays.equals(bytes, f.bytes);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(timestampNs) * 31 + Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return bytes.length + " bytes at " + timestampNs;
        }
    }

    record Read(List<Frame> frames, String error) {}

    static Stream<Path> captures() throws IOException {
        try (Stream<Path> s = Files.list(CAPTURES)) {
            return s.filter(p -> p.toString().endsWith(".pcap")).sorted().toList().stream();
        }
    }

    static Read read(Path file, boolean ahead) throws CaptureException {
        List<Frame> frames = new ArrayList<>();
        String error = null;
        try (PacketSource src = ahead
                ? new ReadAheadSource(FfmPcapFileSource.open(file), file.toString(), FrameRing.MIN_CAPACITY)
                : FfmPcapFileSource.open(file)) {
            long n = src.run((frame, len, ts) -> frames.add(new Frame(Arrays.copyOf(frame, len), ts)));
            assertThat(n).isEqualTo(frames.size());
        } catch (CaptureException e) {
            error = e.getMessage();
        }
        return new Read(frames, error);
    }

    @ParameterizedTest
    @MethodSource("captures")
    void readAheadGivesTheSameFramesAsReadingInline(Path file) throws Exception {
        assumeThat(FfmPcapFileSource.available())
                .as(FfmPcapFileSource.unavailableReason())
                .isTrue();
        Read inline = read(file, false);
        Read ahead = read(file, true);
        assertThat(inline.error()).isNull();
        assertThat(inline.frames()).hasSizeGreaterThan(100);
        assertThat(ahead.error()).isNull();
        assertThat(ahead.frames()).containsExactlyElementsOf(inline.frames());
    }

    @ParameterizedTest
    @MethodSource("captures")
    void aTruncatedFileGivesTheSameFramesThenTheSameError(Path file, @TempDir Path dir) throws Exception {
        assumeThat(FfmPcapFileSource.available())
                .as(FfmPcapFileSource.unavailableReason())
                .isTrue();
        byte[] whole = Files.readAllBytes(file);
        // Cut in the middle of a record: libpcap reports a truncated dump file.
        Path cut = dir.resolve("cut.pcap");
        Files.write(cut, Arrays.copyOf(whole, whole.length * 2 / 3 + 7));
        Read inline = read(cut, false);
        Read ahead = read(cut, true);
        assertThat(inline.error())
                .contains("read failed after " + inline.frames().size() + " frames");
        assertThat(ahead.error()).isEqualTo(inline.error());
        assertThat(ahead.frames()).containsExactlyElementsOf(inline.frames());
    }
}
