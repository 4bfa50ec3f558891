package net.synguard.kernel;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long LFS = 0x0A0A_0A0A_0A0A_0A0AL;
    private static final long CRS = 0x0D0D_0D0D_0D0D_0D0DL;

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
            int i = lineEndFrom(scanned);
            if (i >= 0) {
                lineStart = pos;
                lineEnd = i;
                pos = i + 1;
                skipLf = buf[i] == '\r';
                lineNumber++;
                return true;
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
     * The first {@code \n} or {@code \r} at or after {@code from} and before {@code limit}, or -1.
     * Eight bytes at a time (the zero-byte test from Hacker's Delight 6-1: a byte of {@code v} is
     * zero where {@code (v - 0x01..) & ~v & 0x80..} has its top bit; borrows only mark bytes above
     * the first zero, so the lowest mark is exact): the search is most of what a line costs.
     */
    private int lineEndFrom(int from) {
        int i = from;
        for (; i + Long.BYTES <= limit; i += Long.BYTES) {
            long word = (long) LONGS.get(buf, i);
            long marks = zeroBytes(word ^ LFS) | zeroBytes(word ^ CRS);
            if (marks != 0) {
                return i + (Long.numberOfTrailingZeros(marks) >>> 3);
            }
        }
        for (; i < limit; i++) {
            if (buf[i] == '\n' || buf[i] == '\r') {
                return i;
            }
        }
        return -1;
    }

    private static long zeroBytes(long v) {
        return (v - 0x0101_0101_0101_0101L) & ~v & 0x8080_8080_8080_8080L;
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
