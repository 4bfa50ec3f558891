package net.synguard.config;

import java.util.Objects;

/**
 * A configuration that cannot be used: says where (file, line), which key, the value as written,
 * and what was expected, so the operator can fix it without reading code.
 *
 * <p>{@link #getMessage()} is one line:
 *
 * <pre>
 * FILE[:LINE]: KEY = VALUE: expected EXPECTED     a bad value
 * FILE[:LINE]: KEY is missing: expected EXPECTED  a required value absent (value is null)
 * FILE[:LINE]: PROBLEM                            no key involved: unreadable file, syntax error
 * </pre>
 *
 * <p>Start-up turns it into exit code {@link #EXIT_CODE} so systemd does not restart-loop on a
 * bad file.
 */
public final class ConfigError extends Exception {

    /** {@code EX_CONFIG} from sysexits.h: "something was found in an unconfigured or misconfigured state". */
    public static final int EX_CONFIG = 78;

    /** The exit code for a configuration error: {@link #EX_CONFIG}. */
    public static final int EXIT_CODE = EX_CONFIG;

    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;
    private final String key;
    private final String value;
    private final String expected;

    /**
     * @param file the file path text, or the origin given to {@link ConfigLoader#parse}
     * @param line 1-based line, or 0 or less when unknown
     * @param key full dotted path such as {@code synguard.detect.destination.syn-rate}; null when the
     *     error is not about one key
     * @param value the value as written; null when missing
     * @param expected what was expected, or for keyless errors the whole problem
     */
    ConfigError(String file, int line, String key, String value, String expected) {
        super(format(file, line, key, value, expected));
        this.file = Objects.requireNonNull(file, "file");
        this.line = Math.max(line, 0);
        this.key = key;
        this.value = value;
        this.expected = Objects.requireNonNull(expected, "expected");
    }

    /** An error that is not about one key: an unreadable file or a syntax error. */
    static ConfigError problem(String file, int line, String problem) {
        return new ConfigError(file, line, null, null, problem);
    }

    private static String format(String file, int line, String key, String value, String expected) {
        StringBuilder sb = new StringBuilder(file);
        if (line > 0) {
            sb.append(':').append(line);
        }
        sb.append(": ");
        if (key == null) {
            return sb.append(expected).toString();
        }
        sb.append(key);
        if (value == null) {
            sb.append(" is missing");
        } else {
            sb.append(" = ").append(value);
        }
        return sb.append(": expected ").append(expected).toString();
    }

    /** The file path text (or parse origin) the error is in. */
    public String file() {
        return file;
    }

    /** The 1-based line of the value, or 0 when unknown. */
    public int line() {
        return line;
    }

    /** The full dotted key, or null when the error is not about one key. */
    public String key() {
        return key;
    }

    /** The value as written, or null when it is missing or no key is involved. */
    public String value() {
        return value;
    }

    /** What was expected; for keyless errors, the problem itself. */
    public String expected() {
        return expected;
    }
}
