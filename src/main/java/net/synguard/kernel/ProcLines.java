package net.synguard.kernel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Set;

/**
 * The lines of a {@code /proc} file as byte ranges in one reused buffer, so that reading the socket
 * tables once a second allocates nothing per line (a flooded host's table has a line per half-open
 * connection). Lines end as {@link java.io.BufferedReader#readLine} ends them: at {@code \n},
 * {@code \r} or {@code \r\n}, and a last line without an end counts; line numbers therefore match
 * what the reader-based parsers said.
 *
 * <p>Reads are {@value #CHUNK} bytes: each read(2) of a seq_file table makes the kernel find its
 * place in the socket hash again (tcp_seek_last_pos), so fewer, larger reads cost it less. The
 * buffer starts at twice that and doubles only for a line longer than what it holds. Not
 * thread-safe: one per reading thread.
 */
final class ProcLines implements AutoCloseable {
    static final int CHUNK = 64 * 1024;
    private static final Set<OpenOption> READ = Set.of(StandardOpenOption.READ);

    private final ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK);
    private byte[] buf = new byte[2 * CHUNK];
    private FileChannel channel;
    private int pos;
    private int limit;
    private boolean eof = true;
    private boolean skipLf;
    private int lineStart;
    private int lineEnd;
    private int lineNumber;

    /** Starts reading {@code file}; closes whatever was open. */
    void open(Path file) throws IOException {
        close();
        channel = FileChannel.open(file, READ);
        reset();
        eof = false;
    }

    /** Lines of {@code text} (for the String entry points: allocates, not for a hot path). */
    void of(byte[] text) throws IOException {
        close();
        reset();
        if (buf.length < text.length) {
            buf = new byte[text.length];
        }
        System.arraycopy(text, 0, buf, 0, text.length);
        limit = text.length;
        eof = true;
    }

    private void reset() {
        pos = 0;
        limit = 0;
        skipLf = false;
        lineNumber = 0;
    }

    /** Moves to the next line; false at the end of the file. */
    boolean next() throws IOException {
        if (skipLf) {
            if (pos == limit) {
                fill();
            }
            if (pos < limit && buf[pos] == '\n') {
                pos++;
            }
            skipLf = false;
        }
        int scanned = pos;
        while (true) {
            for (int i = scanned; i < limit; i++) {
                byte b = buf[i];
                if (b == '\n' || b == '\r') {
                    lineStart = pos;
                    lineEnd = i;
                    pos = i + 1;
                    skipLf = b == '\r';
                    lineNumber++;
                    return true;
                }
            }
            scanned = limit - pos;
            if (!fill()) {
                if (pos == limit) {
                    return false;
                }
                lineStart = pos;
                lineEnd = limit;
                pos = limit;
                lineNumber++;
                return true;
            }
            scanned += pos;
        }
    }

    /**
     * Moves the unread bytes to the front (growing the buffer when they fill it) and appends a
     * read's worth; false when nothing more came.
     */
    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        int unread = limit - pos;
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, unread);
            pos = 0;
            limit = unread;
        }
        if (buf.length - limit < CHUNK) {
            buf = Arrays.copyOf(buf, 2 * buf.length);
        }
        chunk.clear();
        int n;
        do {
            n = channel.read(chunk);
        } while (n == 0);
        if (n < 0) {
            eof = true;
            return false;
        }
        chunk.flip();
        chunk.get(buf, limit, n);
        limit += n;
        return true;
    }

    byte[] buffer() {
        return buf;
    }

    /** Index of the line's first byte in {@link #buffer()}. */
    int start() {
        return lineStart;
    }

    /** Index just past the line's last byte (its end-of-line not included). */
    int end() {
        return lineEnd;
    }

    /** 1-based. */
    int lineNumber() {
        return lineNumber;
    }

    /** Bytes {@code from} to {@code to} of the buffer as text, for error messages only. */
    String text(int from, int to) {
        return new String(buf, from, to - from, StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            FileChannel c = channel;
            channel = null;
            eof = true;
            c.close();
        }
    }
}
