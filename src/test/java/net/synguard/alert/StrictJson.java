package net.synguard.alert;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict RFC 8259 parser for tests: one value, nothing after it, no raw control characters in
 * strings, only the escapes of section 7, and {@code \\u} escapes that form whole characters (a
 * high surrogate followed by a low one, never either alone: section 8.2's "unpredictable" case
 * refused, as strict parsers do). Objects become maps (duplicate keys refused), arrays lists,
 * numbers their text, strings strings. Any violation throws {@link IllegalArgumentException}.
 */
final class StrictJson {
    private final String s;
    private int at;

    private StrictJson(String s) {
        this.s = s;
    }

    static Object parse(String text) {
        StrictJson p = new StrictJson(text);
        p.ws();
        Object v = p.value();
        p.ws();
        if (p.at != text.length()) {
            throw p.error("text after the value");
        }
        return v;
    }

    private Object value() {
        if (at >= s.length()) {
            throw error("end of text where a value belongs");
        }
        char c = s.charAt(at);
        return switch (c) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> number();
        };
    }

    private Map<String, Object> object() {
        Map<String, Object> m = new LinkedHashMap<>();
        at++;
        ws();
        if (peek() == '}') {
            at++;
            return m;
        }
        while (true) {
            ws();
            if (peek() != '"') {
                throw error("object key must be a string");
            }
            String key = string();
            ws();
            expect(':');
            ws();
            Object v = value();
            if (m.containsKey(key)) {
                throw error("duplicate key " + key);
            }
            m.put(key, v);
            ws();
            char c = next();
            if (c == '}') {
                return m;
            }
            if (c != ',') {
                throw error("expected , or }");
            }
        }
    }

    private List<Object> array() {
        List<Object> l = new ArrayList<>();
        at++;
        ws();
        if (peek() == ']') {
            at++;
            return l;
        }
        while (true) {
            ws();
            l.add(value());
            ws();
            char c = next();
            if (c == ']') {
                return l;
            }
            if (c != ',') {
                throw error("expected , or ]");
            }
        }
    }

    private String string() {
        expect('"');
        StringBuilder out = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                throw error("raw control character " + (int) c + " in a string");
            }
            if (Character.isSurrogate(c)) {
                // Only reachable from a Java string: text read as UTF-8 has no surrogate code units.
                if (!Character.isHighSurrogate(c) || !Character.isLowSurrogate(peek())) {
                    throw error("unpaired surrogate in a string");
                }
                out.append(c).append(next());
                continue;
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = next();
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    char u = hex4();
                    if (Character.isLowSurrogate(u)) {
                        throw error("low surrogate escape without a high one");
                    }
                    if (Character.isHighSurrogate(u)) {
                        if (next() != '\\' || next() != 'u') {
                            throw error("high surrogate escape not followed by a low one");
                        }
                        char low = hex4();
                        if (!Character.isLowSurrogate(low)) {
                            throw error("high surrogate escape not followed by a low one");
                        }
                        out.append(u).append(low);
                    } else {
                        out.append(u);
                    }
                }
                default -> throw error("bad escape \\" + e);
            }
        }
    }

    private char hex4() {
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(next(), 16);
            if (d < 0) {
                throw error("bad \\u escape");
            }
            v = v << 4 | d;
        }
        return (char) v;
    }

    /** RFC 8259 section 6: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? */
    private String number() {
        int start = at;
        if (peek() == '-') {
            at++;
        }
        if (peek() == '0') {
            at++;
        } else if (peek() >= '1' && peek() <= '9') {
            digits();
        } else {
            throw error("not a value");
        }
        if (peek() == '.') {
            at++;
            digits();
        }
        if (peek() == 'e' || peek() == 'E') {
            at++;
            if (peek() == '+' || peek() == '-') {
                at++;
            }
            digits();
        }
        return s.substring(start, at);
    }

    private void digits() {
        int start = at;
        while (peek() >= '0' && peek() <= '9') {
            at++;
        }
        if (at == start) {
            throw error("digit expected");
        }
    }

    private Object literal(String word, Object v) {
        if (!s.startsWith(word, at)) {
            throw error("not a value");
        }
        at += word.length();
        return v;
    }

    private void ws() {
        while (at < s.length() && " \t\n\r".indexOf(s.charAt(at)) >= 0) {
            at++;
        }
    }

    private char peek() {
        return at < s.length() ? s.charAt(at) : '\0';
    }

    private char next() {
        if (at >= s.length()) {
            throw error("unexpected end of text");
        }
        return s.charAt(at++);
    }

    private void expect(char c) {
        if (next() != c) {
            throw error("expected " + c);
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException(what + " at " + at);
    }
}
