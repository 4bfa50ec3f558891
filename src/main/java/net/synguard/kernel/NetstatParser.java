package net.synguard.kernel;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

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
 */
public final class NetstatParser {
    static final String DEFAULT_SOURCE = "/proc/net/netstat";
    private static final String TCP_EXT = "TcpExt";

    private NetstatParser() {}

    public static TcpExtCounters parse(String text) throws ProcFormatException {
        return parse(text, DEFAULT_SOURCE);
    }

    /** {@code source} names the file in error messages. */
    public static TcpExtCounters parse(String text, String source) throws ProcFormatException {
        try {
            return parse(new BufferedReader(new StringReader(text)), source);
        } catch (ProcFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException("reading a string cannot fail", e);
        }
    }

    /** A file without a TcpExt section gives {@link TcpExtCounters#NONE}. */
    public static TcpExtCounters parse(BufferedReader reader, String source) throws IOException {
        long[] values = TcpExtCounters.NONE.toArray();
        int lineNumber = 0;
        String header;
        while ((header = reader.readLine()) != null) {
            lineNumber++;
            if (header.isBlank()) {
                continue;
            }
            int headerLine = lineNumber;
            List<String> names = fields(header);
            String section = sectionOf(names.getFirst(), source, headerLine);
            String valueText = reader.readLine();
            lineNumber++;
            if (valueText == null) {
                throw new ProcFormatException(
                        source, headerLine, "header '" + section + ":' has no values line after it (file truncated?)");
            }
            List<String> counts = fields(valueText);
            if (counts.isEmpty()) {
                throw new ProcFormatException(
                        source, lineNumber, "empty line after header '" + section + ":' (expected its values)");
            }
            String valueSection = sectionOf(counts.getFirst(), source, lineNumber);
            if (!valueSection.equals(section)) {
                throw new ProcFormatException(
                        source,
                        lineNumber,
                        "values line '" + valueSection + ":' after header '" + section + ":' (expected '" + section
                                + ":')");
            }
            if (counts.size() != names.size()) {
                throw new ProcFormatException(
                        source,
                        lineNumber,
                        section + " has " + (counts.size() - 1)
                                + " values for " + (names.size() - 1) + " names on line " + headerLine
                                + " (expected one value per name)");
            }
            long[] parsed = new long[counts.size()];
            for (int i = 1; i < counts.size(); i++) {
                parsed[i] = unsigned(counts.get(i), names.get(i), source, lineNumber);
            }
            if (section.equals(TCP_EXT)) {
                for (int i = 1; i < names.size(); i++) {
                    int slot = TcpExtCounters.NAMES.indexOf(names.get(i));
                    if (slot >= 0) {
                        values[slot] = parsed[i];
                    }
                }
            }
        }
        return TcpExtCounters.of(values);
    }

    private static String sectionOf(String first, String source, int line) throws ProcFormatException {
        if (first.length() < 2 || first.charAt(first.length() - 1) != ':') {
            throw new ProcFormatException(
                    source, line, "line starts with '" + first + "' (expected a section name such as 'TcpExt:')");
        }
        return first.substring(0, first.length() - 1);
    }

    /** Decimal as the kernel prints it (%lu); past 2^63 - 1 clamps, see {@link TcpExtCounters}. */
    private static long unsigned(String text, String name, String source, int line) throws ProcFormatException {
        long value = 0;
        for (int i = 0; i < text.length(); i++) {
            int digit = text.charAt(i) - '0';
            if (digit < 0 || digit > 9) {
                throw new ProcFormatException(
                        source, line, name + " = '" + text + "' (expected an unsigned decimal count)");
            }
            value = value > (Long.MAX_VALUE - digit) / 10 ? Long.MAX_VALUE : value * 10 + digit;
        }
        return value;
    }

    /** Splits on spaces and tabs; leading, trailing and repeated blanks make no empty fields. */
    static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (i < n) {
            while (i < n && isBlank(line.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && !isBlank(line.charAt(i))) {
                i++;
            }
            if (i > start) {
                out.add(line.substring(start, i));
            }
        }
        return out;
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\r';
    }
}
