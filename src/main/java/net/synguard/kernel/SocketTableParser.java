package net.synguard.kernel;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import net.synguard.decode.TcpSegment;

/**
 * Reads {@code /proc/net/tcp} and {@code /proc/net/tcp6} into {@link SynRecvCounts}.
 *
 * <p>One socket a line after a header (net/ipv4/tcp_ipv4.c get_tcp4_sock, get_openreq4,
 * get_timewait4_sock; net/ipv6/tcp_ipv6.c get_tcp6_sock and friends):
 *
 * <pre>
 *   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ...
 *    0: 0100007F:1F90 00000000:0000 0A 00000000:00000002 00:00000000 00000000     0        0 69875 ...
 *    2: 0100007F:1F90 0100007F:CA42 03 00000000:00000000 01:00000026 00000000     0        0 0 0 ...
 * </pre>
 *
 * <ul>
 *   <li>Addresses are {@code %08X} of each 32-bit word of the address as it sits in memory, that is
 *       in network order read as a host-order int: on little-endian hosts each word's four bytes
 *       come out reversed. {@code 0100007F} is 127.0.0.1; in tcp6, ::1 is
 *       {@code 00000000000000000000000001000000} and ::ffff:127.0.0.1 is
 *       {@code 0000000000000000FFFF00000100007F}. Ports went through ntohs and read as written.
 *   <li>{@code st} is a TCP_* state from include/net/tcp_states.h.
 *   <li>Sockets print different numbers of trailing columns (request and TIME_WAIT sockets stop
 *       after a few past inode), so everything up to inode is required and the rest is ignored.
 * </ul>
 *
 * <p>Since Linux 4.4 a half-open connection is a request socket (TCP_NEW_SYN_RECV) in the
 * established hash, and the iterator lists it with state 03 SYN_RECV. With tcp_syncookies the
 * kernel does not create one when it answers with a cookie (tcp_conn_request, net/ipv4/tcp_input.c),
 * so under a flood answered by cookies the SYN_RECV count stays at the queue limit or below while
 * SyncookiesSent climbs: read the two together.
 *
 * <p>Lines are scanned by index as bytes ({@link ProcLines}), no String, regex or split per line,
 * and are not kept: a busy host's table runs to hundreds of thousands of lines every tick.
 */
public final class SocketTableParser {
    static final String DEFAULT_SOURCE = "/proc/net/tcp";
    private static final String[] COLUMNS = {
        "sl",
        "local_address",
        "rem_address",
        "st",
        "tx_queue:rx_queue",
        "tr:tm->when",
        "retrnsmt",
        "uid",
        "timeout",
        "inode"
    };
    private static final String FORMAT =
            " (expected: sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...)";

    private SocketTableParser() {}

    /** Text from this host's kernel (words in its native byte order); errors name /proc/net/tcp. */
    public static void parse(String text, SynRecvCounts into) throws ProcFormatException {
        parse(text, DEFAULT_SOURCE, ByteOrder.nativeOrder(), into);
    }

    /** {@code order} is the byte order of the kernel that printed {@code text}. */
    public static void parse(String text, String source, ByteOrder order, SynRecvCounts into)
            throws ProcFormatException {
        try (ProcLines lines = new ProcLines()) {
            lines.of(text.getBytes(StandardCharsets.US_ASCII));
            parse(lines, source, order, into);
        } catch (ProcFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException("reading a string cannot fail", e);
        }
    }

    /** Reads {@code reader} to its end; {@link KernelView} reads files without a reader. */
    public static void parse(BufferedReader reader, String source, ByteOrder order, SynRecvCounts into)
            throws IOException {
        boolean littleEndian = order == ByteOrder.LITTLE_ENDIAN;
        int lineNumber = 0;
        String line;
        while ((line = reader.readLine()) != null) {
            lineNumber++;
            byte[] bytes = line.getBytes(StandardCharsets.US_ASCII);
            parseLine(bytes, 0, bytes.length, lineNumber, source, littleEndian, into);
        }
    }

    /** Every line {@code lines} has left; allocates nothing unless a line is malformed. */
    static void parse(ProcLines lines, String source, ByteOrder order, SynRecvCounts into) throws IOException {
        boolean littleEndian = order == ByteOrder.LITTLE_ENDIAN;
        while (lines.next()) {
            parseLine(lines.buffer(), lines.start(), lines.end(), lines.lineNumber(), source, littleEndian, into);
        }
    }

    /** The line in {@code line[from, to)}, without its end-of-line. */
    static void parseLine(
            byte[] line, int from, int to, int lineNumber, String source, boolean littleEndian, SynRecvCounts into)
            throws ProcFormatException {
        int start = skipBlanks(line, from, to);
        if (start == to) {
            return;
        }
        int end = tokenEnd(line, start, to);
        if (line[end - 1] != ':') {
            if (end - start == 2 && line[start] == 's' && line[start + 1] == 'l') {
                return;
            }
            throw error(source, lineNumber, "slot '" + text(line, start, end) + "' does not end in ':'");
        }

        start = field(line, end, to, 1, source, lineNumber);
        end = tokenEnd(line, start, to);
        int colon = indexOfColon(line, start, end);
        int digits = colon - start;
        if ((digits != 8 && digits != 32) || end - colon != 5) {
            throw error(
                    source,
                    lineNumber,
                    "local_address '" + text(line, start, end) + "' (expected 8 or 32 hex digits, ':', 4 hex digits)");
        }
        long hi;
        long lo;
        if (digits == 8) {
            int ipv4 = word(line, start, littleEndian, source, lineNumber);
            hi = TcpSegment.IPV4_MAPPED_HI;
            lo = TcpSegment.IPV4_MAPPED_MARK | (ipv4 & 0xFFFF_FFFFL);
        } else {
            // IPv4-mapped addresses (a dual-stack listener's IPv4 peers) come out as the IPv4
            // address, the same key the decoder gives, so tcp and tcp6 add up per address.
            hi = pack(
                    word(line, start, littleEndian, source, lineNumber),
                    word(line, start + 8, littleEndian, source, lineNumber));
            lo = pack(
                    word(line, start + 16, littleEndian, source, lineNumber),
                    word(line, start + 24, littleEndian, source, lineNumber));
        }
        int port = (int) hex(line, colon + 1, end, "local port", source, lineNumber);

        start = field(line, end, to, 2, source, lineNumber);
        end = tokenEnd(line, start, to);

        start = field(line, end, to, 3, source, lineNumber);
        end = tokenEnd(line, start, to);
        if (end - start > 2) {
            throw error(source, lineNumber, "st '" + text(line, start, end) + "' (expected 2 hex digits)");
        }
        int state = (int) hex(line, start, end, "st", source, lineNumber);

        start = field(line, end, to, 4, source, lineNumber);
        end = tokenEnd(line, start, to);
        colon = indexOfColon(line, start, end);
        if (colon == end || colon - start > 8 || end - colon - 1 > 8) {
            throw error(
                    source,
                    lineNumber,
                    "tx_queue:rx_queue '" + text(line, start, end) + "' (expected two groups of up to 8 hex digits)");
        }
        hex(line, start, colon, "tx_queue", source, lineNumber);
        long rxQueue = hex(line, colon + 1, end, "rx_queue", source, lineNumber);

        for (int column = 5; column < COLUMNS.length; column++) {
            start = field(line, end, to, column, source, lineNumber);
            end = tokenEnd(line, start, to);
        }

        // rx_queue is a u32 (sk_ack_backlog for a listener); a value past int range is not a
        // queue length any kernel keeps, so it clamps rather than wraps negative.
        into.add(state, hi, lo, port, (int) Math.min(rxQueue, Integer.MAX_VALUE));
    }

    /** The first ':' in {@code [from, to)}, or {@code to}. */
    private static int indexOfColon(byte[] line, int from, int to) {
        for (int i = from; i < to; i++) {
            if (line[i] == ':') {
                return i;
            }
        }
        return to;
    }

    /** Start of column {@code column}, after the previous one ended at {@code from}. */
    private static int field(byte[] line, int from, int to, int column, String source, int lineNumber)
            throws ProcFormatException {
        int start = skipBlanks(line, from, to);
        if (start == to) {
            throw error(source, lineNumber, "line ends before '" + COLUMNS[column] + "'");
        }
        return start;
    }

    /** A 32-bit word of an address in network order, from 8 hex digits in host order. */
    private static int word(byte[] line, int at, boolean littleEndian, String source, int lineNumber)
            throws ProcFormatException {
        int value = (int) hex(line, at, at + 8, "local_address", source, lineNumber);
        return littleEndian ? Integer.reverseBytes(value) : value;
    }

    private static long pack(int high, int low) {
        return ((long) high << 32) | (low & 0xFFFF_FFFFL);
    }

    /** At most 8 digits, so the value fits; callers check the width. */
    private static long hex(byte[] line, int from, int to, String what, String source, int lineNumber)
            throws ProcFormatException {
        if (from >= to) {
            throw error(source, lineNumber, what + " is empty (expected hex digits)");
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            int digit = hexDigit(line[i]);
            if (digit < 0) {
                throw error(
                        source,
                        lineNumber,
                        what + " has '" + text(line, i, i + 1) + "' in '" + text(line, from, to)
                                + "' (expected hex digits)");
            }
            value = (value << 4) | digit;
        }
        return value;
    }

    /** ASCII only, as the kernel prints. */
    private static int hexDigit(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return -1;
    }

    private static int skipBlanks(byte[] line, int i, int to) {
        while (i < to && isBlank(line[i])) {
            i++;
        }
        return i;
    }

    private static int tokenEnd(byte[] line, int i, int to) {
        while (i < to && !isBlank(line[i])) {
            i++;
        }
        return i;
    }

    private static boolean isBlank(byte c) {
        // One test for the usual case: every byte of a field is above ' ', the blanks at or below.
        return c <= ' ' && (c == ' ' || c == '\t' || c == '\r');
    }

    /** For error messages: a byte past ASCII shows as U+FFFD, as a US-ASCII reader decoded it. */
    private static String text(byte[] line, int from, int to) {
        return new String(line, from, to - from, StandardCharsets.US_ASCII);
    }

    private static ProcFormatException error(String source, int lineNumber, String problem) {
        return new ProcFormatException(source, lineNumber, problem + FORMAT);
    }
}
