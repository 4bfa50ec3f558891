package net.synguard.kernel;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the TcpExt counters out of {@code /proc/net/netstat}.
 *
 * <p>The file is pairs of lines, a header and its values, each starting with the section name
 * (net/ipv4/proc.c, netstat_seq_show):
 *
 * <pre>
 * TcpExt: SyncookiesSent SyncookiesRecv SyncookiesFailed EmbryonicRsts ...
 * TcpExt: 0 0 0 0 ...
 * IpExt: InNoRoutes InTruncatedPkts ...
 * IpExt: 0 0 ...
 * MPTcpExt: MPCapableSYNRX ...
 * MPTcpExt: 0 ...
 * </pre>
 *
 * Counters are found by name, never by position: kernels add counters in the middle of the list
 * from release to release, and an older kernel lacks the newer ones, which come out
 * {@link TcpExtCounters#ABSENT}. Every section is checked for matching header and value counts,
 * since a mismatch means the file is not what we think it is.
 *
 * <p>An instance keeps its buffers and is what {@link KernelView} reads with once a tick: fields
 * are byte ranges, names are compared as bytes and numbers parsed from them, so a reading
 * allocates nothing unless the file is malformed (then the error message does). Not thread-safe.
 */
public final class NetstatParser {
    static final String DEFAULT_SOURCE = "/proc/net/netstat";
    private static final byte[] TCP_EXT = "TcpExt".getBytes(StandardCharsets.US_ASCII);
    private static final byte[][] NAMES = TcpExtCounters.NAMES.stream()
            .map(name -> name.getBytes(StandardCharsets.US_ASCII))
            .toArray(byte[][]::new);

    /** The header line, kept while the values line after it is read into the same buffer. */
    private byte[] header = new byte[256];

    private int[] nameStarts = new int[64];
    private int[] nameEnds = new int[64];
    private int[] valueStarts = new int[64];
    private int[] valueEnds = new int[64];
    private final long[] values = new long[NAMES.length];

    NetstatParser() {}

    public static TcpExtCounters parse(String text) throws ProcFormatException {
        return parse(text, DEFAULT_SOURCE);
    }

    /** {@code source} names the file in error messages. */
    public static TcpExtCounters parse(String text, String source) throws ProcFormatException {
        try (ProcLines lines = new ProcLines()) {
            lines.of(text.getBytes(StandardCharsets.US_ASCII));
            return new NetstatParser().parse(lines, source, null);
        } catch (ProcFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException("reading a string cannot fail", e);
        }
    }

    /** A file without a TcpExt section gives {@link TcpExtCounters#NONE}. */
    public static TcpExtCounters parse(BufferedReader reader, String source) throws IOException {
        StringBuilder text = new StringBuilder();
        String line;
        while ((line = reader.readLine()) != null) {
            text.append(line).append('\n');
        }
        return parse(text.toString(), source);
    }

    /**
     * The counters in what {@code lines} has left; {@code previous} itself when they are the same,
     * so an unchanged reading makes no new object.
     */
    TcpExtCounters parse(ProcLines lines, String source, TcpExtCounters previous) throws IOException {
        Arrays.fill(values, TcpExtCounters.ABSENT);
        while (lines.next()) {
            byte[] buf = lines.buffer();
            if (isBlankLine(buf, lines.start(), lines.end())) {
                continue;
            }
            int headerLine = lines.lineNumber();
            int headerLength = lines.end() - lines.start();
            if (header.length < headerLength) {
                header = new byte[Math.max(headerLength, 2 * header.length)];
            }
            System.arraycopy(buf, lines.start(), header, 0, headerLength);
            int names = fields(header, 0, headerLength, true);
            int sectionEnd = sectionEnd(header, nameStarts[0], nameEnds[0], source, headerLine);
            if (!lines.next()) {
                throw new ProcFormatException(
                        source,
                        headerLine,
                        "header '" + section(header, sectionEnd) + ":' has no values line after it (file truncated?)");
            }
            buf = lines.buffer();
            int lineNumber = lines.lineNumber();
            int counts = fields(buf, lines.start(), lines.end(), false);
            if (counts == 0) {
                throw new ProcFormatException(
                        source,
                        lineNumber,
                        "empty line after header '" + section(header, sectionEnd) + ":' (expected its values)");
            }
            int valueSectionEnd = sectionEnd(buf, valueStarts[0], valueEnds[0], source, lineNumber);
            if (!Arrays.equals(header, 0, sectionEnd, buf, valueStarts[0], valueSectionEnd)) {
                String section = section(header, sectionEnd);
                throw new ProcFormatException(
                        source,
                        lineNumber,
                        "values line '" + text(buf, valueStarts[0], valueSectionEnd) + ":' after header '" + section
                                + ":' (expected '" + section + ":')");
            }
            if (counts != names) {
                throw new ProcFormatException(
                        source,
                        lineNumber,
                        section(header, sectionEnd) + " has " + (counts - 1)
                                + " values for " + (names - 1) + " names on line " + headerLine
                                + " (expected one value per name)");
            }
            boolean tcpExt = Arrays.equals(header, 0, sectionEnd, TCP_EXT, 0, TCP_EXT.length);
            for (int i = 1; i < counts; i++) {
                long value = unsigned(buf, valueStarts[i], valueEnds[i], i, source, lineNumber);
                int slot = tcpExt ? slotOf(nameStarts[i], nameEnds[i]) : -1;
                if (slot >= 0) {
                    values[slot] = value;
                }
            }
        }
        return previous != null && previous.hasValues(values) ? previous : TcpExtCounters.of(values);
    }

    /** Which of {@link TcpExtCounters#NAMES} the header's bytes {@code [from, to)} are, or -1. */
    private int slotOf(int from, int to) {
        for (int slot = 0; slot < NAMES.length; slot++) {
            if (Arrays.equals(header, from, to, NAMES[slot], 0, NAMES[slot].length)) {
                return slot;
            }
        }
        return -1;
    }

    /** As String.isBlank: nothing but white space (bytes past ASCII are not). */
    private static boolean isBlankLine(byte[] line, int from, int to) {
        for (int i = from; i < to; i++) {
            if (line[i] < 0 || !Character.isWhitespace((char) line[i])) {
                return false;
            }
        }
        return true;
    }

    /** Where the section name in the first field ends: at its ':', which must close the field. */
    private static int sectionEnd(byte[] line, int from, int to, String source, int lineNumber)
            throws ProcFormatException {
        if (to - from < 2 || line[to - 1] != ':') {
            throw new ProcFormatException(
                    source,
                    lineNumber,
                    "line starts with '" + text(line, from, to) + "' (expected a section name such as 'TcpExt:')");
        }
        return to - 1;
    }

    /** The header's section name; the header starts with it once leading blanks are skipped. */
    private String section(byte[] line, int sectionEnd) {
        return text(line, nameStarts[0], sectionEnd);
    }

    /** Decimal as the kernel prints it (%lu); past 2^63 - 1 clamps, see {@link TcpExtCounters}. */
    private long unsigned(byte[] line, int from, int to, int field, String source, int lineNumber)
            throws ProcFormatException {
        long value = 0;
        for (int i = from; i < to; i++) {
            int digit = line[i] - '0';
            if (digit < 0 || digit > 9) {
                throw new ProcFormatException(
                        source,
                        lineNumber,
                        text(header, nameStarts[field], nameEnds[field]) + " = '" + text(line, from, to)
                                + "' (expected an unsigned decimal count)");
            }
            value = value > (Long.MAX_VALUE - digit) / 10 ? Long.MAX_VALUE : value * 10 + digit;
        }
        return value;
    }

    /**
     * Splits {@code line[from, to)} on spaces and tabs into the name or the value columns;
     * leading, trailing and repeated blanks make no empty fields. Returns the number of fields.
     */
    private int fields(byte[] line, int from, int to, boolean intoNames) {
        int n = 0;
        int i = from;
        while (i < to) {
            while (i < to && isBlank(line[i])) {
                i++;
            }
            int start = i;
            while (i < to && !isBlank(line[i])) {
                i++;
            }
            if (i > start) {
                if (intoNames) {
                    if (n == nameStarts.length) {
                        nameStarts = Arrays.copyOf(nameStarts, 2 * n);
                        nameEnds = Arrays.copyOf(nameEnds, 2 * n);
                    }
                    nameStarts[n] = start;
                    nameEnds[n] = i;
                } else {
                    if (n == valueStarts.length) {
                        valueStarts = Arrays.copyOf(valueStarts, 2 * n);
                        valueEnds = Arrays.copyOf(valueEnds, 2 * n);
                    }
                    valueStarts[n] = start;
                    valueEnds[n] = i;
                }
                n++;
            }
        }
        return n;
    }

    private static boolean isBlank(byte c) {
        return c == ' ' || c == '\t' || c == '\r';
    }

    /** For error messages: a byte past ASCII shows as U+FFFD, as a US-ASCII reader decoded it. */
    private static String text(byte[] line, int from, int to) {
        return new String(line, from, to - from, StandardCharsets.US_ASCII);
    }
}
