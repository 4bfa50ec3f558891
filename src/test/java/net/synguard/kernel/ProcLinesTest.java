package net.synguard.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ProcLines must split a file exactly as BufferedReader.readLine did, which it replaced. */
class ProcLinesTest {

    private static List<String> lines(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        try (ProcLines lines = new ProcLines()) {
            lines.open(file);
            while (lines.next()) {
                assertThat(lines.lineNumber()).isEqualTo(out.size() + 1);
                out.add(lines.text(lines.start(), lines.end()));
            }
        }
        return out;
    }

    private static List<String> readLines(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
            String line;
            while ((line = reader.readLine()) != null) {
                out.add(line);
            }
        }
        return out;
    }

    @Test
    void everyLineEndAndALastLineWithoutOne(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("f");
        Files.writeString(file, "a\nb\r\nc\rd\n\n\r\re", StandardCharsets.US_ASCII);
        assertThat(lines(file)).containsExactly("a", "b", "c", "d", "", "", "", "e");
    }

    @Test
    void emptyFileHasNoLines(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("f"), "");
        assertThat(lines(file)).isEmpty();
    }

    @Test
    void crLfSplitAcrossTwoReads(@TempDir Path dir) throws IOException {
        // The '\r' is the last byte of the first read, the '\n' the first of the second.
        String first = "x".repeat(ProcLines.CHUNK - 1) + "\r";
        Path file = Files.writeString(dir.resolve("f"), first + "\nnext\n", StandardCharsets.US_ASCII);
        assertThat(lines(file)).containsExactly("x".repeat(ProcLines.CHUNK - 1), "next");
    }

    @Test
    void lineLongerThanTheBuffer(@TempDir Path dir) throws IOException {
        String longLine = "y".repeat(5 * ProcLines.CHUNK + 7);
        Path file = Files.writeString(dir.resolve("f"), "a\n" + longLine + "\nb", StandardCharsets.US_ASCII);
        assertThat(lines(file)).containsExactly("a", longLine, "b");
    }

    @Test
    void sameLinesAsBufferedReaderOnRandomFiles(@TempDir Path dir) throws IOException {
        Random random = new Random(20261122);
        byte[] alphabet = " a\t\r\n:0".getBytes(StandardCharsets.US_ASCII);
        for (int round = 0; round < 40; round++) {
            // Sizes around the read size and the initial buffer, where the boundaries are.
            int size = switch (round % 4) {
                case 0 -> random.nextInt(200);
                case 1 -> ProcLines.CHUNK - 50 + random.nextInt(100);
                case 2 -> 2 * ProcLines.CHUNK - 50 + random.nextInt(100);
                default -> random.nextInt(5 * ProcLines.CHUNK);
            };
            byte[] bytes = new byte[size];
            // Long runs without a line end in some rounds, to make lines cross reads.
            int lineEndEvery = round % 3 == 0 ? 40_000 : 30;
            for (int i = 0; i < size; i++) {
                bytes[i] = random.nextInt(lineEndEvery) == 0
                        ? (random.nextBoolean() ? (byte) '\n' : (byte) '\r')
                        : alphabet[random.nextInt(alphabet.length - 2)];
            }
            Path file = Files.write(dir.resolve("r" + round), bytes);
            assertThat(lines(file)).as("round %d, %d bytes", round, size).isEqualTo(readLines(file));
        }
    }

    @Test
    void reopeningStartsAfresh(@TempDir Path dir) throws IOException {
        Path a = Files.writeString(dir.resolve("a"), "1\r");
        Path b = Files.writeString(dir.resolve("b"), "\n2\n");
        try (ProcLines lines = new ProcLines()) {
            lines.open(a);
            assertThat(lines.next()).isTrue();
            // b's leading '\n' is a line of its own, not the rest of a's "\r\n".
            lines.open(b);
            List<String> got = new ArrayList<>();
            while (lines.next()) {
                got.add(lines.lineNumber() + ":" + lines.text(lines.start(), lines.end()));
            }
            assertThat(got).containsExactly("1:", "2:2");
        }
    }
}
