package net.synguard.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.DoublePredicate;

/**
 * Typed, range-checked reads from one resolved {@link Config}, each failure a {@link ConfigError}
 * naming the key as the operator wrote it ({@code prefix + path}) and what was expected.
 *
 * <p>Reads the {@link ConfigValue} itself instead of Typesafe's {@code getInt}: that one
 * truncates {@code 1.5} to {@code 1}, and its messages name Typesafe types, not what we expect.
 */
final class Values {

    private static final ConfigRenderOptions CONCISE = ConfigRenderOptions.concise();

    private final Config config;
    private final String file;
    private final String prefix;
    private final ConfigOrigin enclosing;

    /**
     * @param file the origin text for errors when a value's own origin has no file name
     * @param prefix prepended to paths in messages ({@code ""}, or {@code "synguard.protect[0]."})
     * @param enclosing where a missing value would have been written; null when unknown
     */
    Values(Config config, String file, String prefix, ConfigOrigin enclosing) {
        this.config = config;
        this.file = file;
        this.prefix = prefix;
        this.enclosing = enclosing;
    }

    boolean has(String path) {
        return config.hasPath(path);
    }

    ConfigValue value(String path, String expected) throws ConfigError {
        try {
            if (config.hasPath(path)) {
                return config.getValue(path);
            }
            if (config.hasPathOrNull(path)) {
                throw error(path, nullAt(path), expected); // written as `key = null`
            }
        } catch (ConfigException e) {
            // a parent of path is not an object (e.g. `capture = 5`): the key is missing
        }
        return missing(path, expected);
    }

    /** The explicit null at {@code path}, which {@link Config#getValue} refuses to return. */
    private ConfigValue nullAt(String path) {
        List<String> parts = ConfigUtil.splitPath(path);
        ConfigObject object = config.root();
        for (int i = 0; i < parts.size() - 1; i++) {
            object = (ConfigObject) object.get(parts.get(i));
        }
        return object.get(parts.getLast());
    }

    private ConfigValue missing(String path, String expected) throws ConfigError {
        String where = enclosing == null ? file : fileOf(enclosing, file);
        throw new ConfigError(where, enclosing == null ? 0 : enclosing.lineNumber(), prefix + path, null, expected);
    }

    ConfigError error(String path, ConfigValue v, String expected) {
        return at(v, prefix + path, expected);
    }

    /** An error at value {@code v} for the key {@code key} as displayed. */
    ConfigError at(ConfigValue v, String key, String expected) {
        return new ConfigError(fileOf(v.origin(), file), v.origin().lineNumber(), key, written(v), expected);
    }

    static String fileOf(ConfigOrigin origin, String fallback) {
        return origin.filename() != null ? origin.filename() : fallback;
    }

    /** The value roughly as written: numbers as typed, strings in double quotes, lists as [a,b]. */
    static String written(ConfigValue v) {
        return v.render(CONCISE);
    }

    long integer(String path, long min, long max, String expected) throws ConfigError {
        ConfigValue v = value(path, expected);
        return integer(v, prefix + path, min, max, expected);
    }

    int integer(String path, int min, int max, String expected) throws ConfigError {
        return (int) integer(path, (long) min, (long) max, expected);
    }

    long integer(ConfigValue v, String key, long min, long max, String expected) throws ConfigError {
        BigDecimal n = number(v);
        if (n == null || n.stripTrailingZeros().scale() > 0) {
            throw at(v, key, expected);
        }
        if (n.compareTo(BigDecimal.valueOf(min)) < 0 || n.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw at(v, key, expected);
        }
        return n.longValueExact();
    }

    double decimal(String path, DoublePredicate ok, String expected) throws ConfigError {
        ConfigValue v = value(path, expected);
        BigDecimal n = number(v);
        if (n == null) {
            throw error(path, v, expected);
        }
        double d = n.doubleValue() + 0.0; // + 0.0 turns -0.0 into 0.0, so records compare equal
        if (!Double.isFinite(d) || !ok.test(d)) {
            throw error(path, v, expected);
        }
        return d;
    }

    /** A number, or a string holding one (as Typesafe itself coerces); null otherwise. */
    private static BigDecimal number(ConfigValue v) {
        Object raw = v.unwrapped();
        String text;
        if (v.valueType() == ConfigValueType.NUMBER) {
            text = raw.toString();
        } else if (v.valueType() == ConfigValueType.STRING) {
            text = ((String) raw).strip();
        } else {
            return null;
        }
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException e) {
            return null; // also NaN and Infinity
        }
    }

    Duration duration(String path, Duration min, Duration max) throws ConfigError {
        String expected = "a duration between " + Render.duration(min) + " and " + Render.duration(max);
        ConfigValue v = value(path, expected);
        Duration d;
        try {
            d = config.getDuration(path);
        } catch (ConfigException e) {
            throw error(path, v, expected);
        }
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw error(path, v, expected);
        }
        return d;
    }

    long bytes(String path, long min, long max, String expected) throws ConfigError {
        ConfigValue v = value(path, expected);
        long n;
        try {
            n = config.getMemorySize(path).toBytes();
        } catch (ConfigException | IllegalArgumentException e) {
            throw error(path, v, expected);
        }
        if (n < min || n > max) {
            throw error(path, v, expected);
        }
        return n;
    }

    String string(String path, String expected) throws ConfigError {
        ConfigValue v = value(path, expected);
        return string(v, prefix + path, expected);
    }

    String string(ConfigValue v, String key, String expected) throws ConfigError {
        if (v.valueType() != ConfigValueType.STRING) {
            throw at(v, key, expected);
        }
        return (String) v.unwrapped();
    }

    /** One of {@code choices}, keyed by their exact (lowercase) spelling in the file. */
    <T> T choice(String path, Map<String, T> choices) throws ConfigError {
        String expected = "one of " + String.join(", ", choices.keySet());
        String s = string(path, expected);
        T t = choices.get(s);
        if (t == null) {
            throw error(path, config.getValue(path), expected);
        }
        return t;
    }

    List<? extends ConfigValue> list(String path, String expected) throws ConfigError {
        ConfigValue v = value(path, expected);
        if (v.valueType() != ConfigValueType.LIST) {
            throw error(path, v, expected);
        }
        return config.getList(path);
    }
}
