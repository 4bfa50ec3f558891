package net.synguard.alert;

import java.util.Locale;

/**
 * A minimal JSON writer for one event line. Field order is the order of the calls, numbers are
 * formatted the same way on every run and locale, and every string is escaped so that nothing taken
 * from a packet can break the line: quotes, backslashes, control characters and anything outside
 * printable ASCII become escapes (RFC 8259 section 7), so a line is ASCII whatever its strings hold.
 * A surrogate pair is written as its two escapes; an unpaired surrogate (a {@code String} may hold
 * one, no character is one) as the escape of U+FFFD. A null string is JSON {@code null}.
 */
public final class JsonLine {
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    /** Nesting levels: one bit each in {@link #hasMember}. */
    private static final int MAX_DEPTH = 63;

    private final StringBuilder sb = new StringBuilder(256);
    // One bit per nesting level: whether the container at that depth already has a member.
    private long hasMember;
    private int depth;

    public JsonLine() {
        sb.append('{');
    }

    public JsonLine field(String key, String value) {
        key(key);
        string(value);
        return this;
    }

    public JsonLine field(String key, long value) {
        key(key);
        sb.append(value);
        return this;
    }

    public JsonLine field(String key, boolean value) {
        key(key);
        sb.append(value);
        return this;
    }

    /** A decimal with a fixed number of places: {@code 0.125}, never {@code 1.25E-1}. */
    public JsonLine field(String key, double value, int places) {
        key(key);
        decimal(value, places);
        return this;
    }

    public JsonLine beginObject(String key) {
        key(key);
        open('{');
        return this;
    }

    public JsonLine beginArray(String key) {
        key(key);
        open('[');
        return this;
    }

    /** An object as the next element of the array being written. */
    public JsonLine beginObject() {
        element();
        open('{');
        return this;
    }

    public JsonLine value(long v) {
        element();
        sb.append(v);
        return this;
    }

    public JsonLine value(String v) {
        element();
        string(v);
        return this;
    }

    public JsonLine endObject() {
        close('}');
        return this;
    }

    public JsonLine endArray() {
        close(']');
        return this;
    }

    /** The finished line, without a line break. */
    public String build() {
        if (depth != 0) {
            throw new IllegalStateException("unclosed containers: " + depth);
        }
        return sb + "}";
    }

    private void key(String key) {
        element();
        string(key);
        sb.append(':');
    }

    private void element() {
        long bit = 1L << depth;
        if ((hasMember & bit) != 0) {
            sb.append(',');
        }
        hasMember |= bit;
    }

    private void open(char c) {
        if (depth == MAX_DEPTH) {
            throw new IllegalStateException("more than " + MAX_DEPTH + " nested containers");
        }
        sb.append(c);
        depth++;
        hasMember &= ~(1L << depth);
    }

    private void close(char c) {
        if (depth == 0) {
            throw new IllegalStateException("nothing to close");
        }
        depth--;
        sb.append(c);
    }

    private void decimal(double value, int places) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            sb.append("null");
            return;
        }
        sb.append(String.format(Locale.ROOT, "%." + places + "f", value));
    }

    private void string(String s) {
        if (s == null) {
            // A missing value is JSON null, not a lost event.
            sb.append("null");
            return;
        }
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c >= 0x20 && c <= 0x7e) {
                        sb.append(c);
                    } else if (Character.isHighSurrogate(c)
                            && i + 1 < s.length()
                            && Character.isLowSurrogate(s.charAt(i + 1))) {
                        escape(c);
                        escape(s.charAt(++i));
                    } else {
                        // An unpaired surrogate is no character: strict parsers refuse its escape
                        // (RFC 8259 section 8.2), so it becomes U+FFFD, as a UTF-8 encoder would.
                        escape(Character.isSurrogate(c) ? '\uFFFD' : c);
                    }
                }
            }
        }
        sb.append('"');
    }

    private void escape(char c) {
        sb.append("\\u")
                .append(HEX[c >>> 12])
                .append(HEX[(c >>> 8) & 0xF])
                .append(HEX[(c >>> 4) & 0xF])
                .append(HEX[c & 0xF]);
    }
}
