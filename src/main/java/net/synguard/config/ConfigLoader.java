package net.synguard.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads, validates and renders the configuration.
 *
 * <p>The defaults are the shipped {@code config/synguard.conf}, which the build copies into the jar
 * as {@value #DEFAULTS_RESOURCE}: one file is both the documentation and the defaults. The
 * operator's file is laid over them (objects merge key by key, lists replace), substitutions are
 * resolved ({@code ${?SYNGUARD_IFACE}} reads the environment), keys the defaults do not know are
 * refused, and every value is range-checked. The first problem found is thrown as a {@link
 * ConfigError}.
 */
public final class ConfigLoader {

    /** Classpath location of the defaults. */
    public static final String DEFAULTS_RESOURCE = "/net/synguard/config/synguard.conf";

    static final String DEFAULTS_ORIGIN = "defaults";

    private ConfigLoader() {}

    /** Holder idiom: the jar's defaults are parsed and validated once, on first use. */
    private static final class Defaults {
        static final Config RAW = parseDefaults();
        static final KnownKeys KEYS = KnownKeys.of(RAW);
        static final SynguardConfig VALUES = validateDefaults();

        private static Config parseDefaults() {
            URL url = ConfigLoader.class.getResource(DEFAULTS_RESOURCE);
            if (url == null) {
                throw new IllegalStateException(DEFAULTS_RESOURCE + " is missing from the classpath (a broken build)");
            }
            return ConfigFactory.parseURL(url, options()).resolve();
        }

        private static SynguardConfig validateDefaults() {
            try {
                return Validator.validate(RAW, DEFAULTS_ORIGIN);
            } catch (ConfigError e) {
                throw new IllegalStateException("the shipped defaults do not validate: " + e.getMessage(), e);
            }
        }
    }

    /** The shipped defaults, with origin {@code "defaults"}. */
    public static SynguardConfig defaults() {
        return Defaults.VALUES;
    }

    /**
     * Reads {@code file} and lays it over the defaults.
     *
     * @throws ConfigError when the file is missing or unreadable, is not valid HOCON, has an unknown
     *     key, or has a value of the wrong type or out of range
     */
    public static SynguardConfig load(Path file) throws ConfigError {
        String name = file.toString();
        if (!Files.exists(file)) {
            throw ConfigError.problem(name, 0, "cannot read: no such file");
        }
        if (Files.isDirectory(file)) {
            throw ConfigError.problem(name, 0, "cannot read: is a directory");
        }
        if (!Files.isReadable(file)) {
            throw ConfigError.problem(name, 0, "cannot read: permission denied");
        }
        Config operator;
        try {
            operator = ConfigFactory.parseFile(file.toFile(), options());
        } catch (ConfigException.IO e) {
            throw ConfigError.problem(name, 0, "cannot read: " + detail(e));
        } catch (ConfigException e) {
            throw syntax(e, name);
        }
        return overlay(operator, name);
    }

    /** Like {@link #load} for text in memory; {@code origin} stands for the file name in errors. */
    public static SynguardConfig parse(String hocon, String origin) throws ConfigError {
        Config operator;
        try {
            operator = ConfigFactory.parseString(hocon, options().setOriginDescription(origin));
        } catch (ConfigException e) {
            throw syntax(e, origin);
        }
        return overlay(operator, origin);
    }

    /**
     * The effective configuration as HOCON, every key in the shipped file's order, for {@code
     * synguard check-config}. Parsing the result gives back an equal record (with the same origin).
     */
    public static String render(SynguardConfig config) {
        return Render.render(config);
    }

    private static SynguardConfig overlay(Config operator, String origin) throws ConfigError {
        Config merged;
        Config operatorResolved;
        try {
            merged = operator.withFallback(Defaults.RAW).resolve();
            operatorResolved = operator.resolveWith(merged);
        } catch (ConfigException e) {
            throw syntax(e, origin);
        }
        Defaults.KEYS.check(operatorResolved, origin);
        return Validator.validate(merged, origin);
    }

    private static ConfigParseOptions options() {
        // CONF explicitly: a file named synguard.conf.new or .json must still be read as HOCON.
        return ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setAllowMissing(false);
    }

    /** A Typesafe parse or resolve failure, without Typesafe's own "origin: line:" prefix. */
    private static ConfigError syntax(ConfigException e, String origin) {
        ConfigOrigin where = e.origin();
        String file = where == null ? origin : Values.fileOf(where, origin);
        int line = where == null ? 0 : where.lineNumber();
        String kind =
                e instanceof ConfigException.UnresolvedSubstitution ? "unresolved substitution: " : "syntax error: ";
        return ConfigError.problem(file, line, kind + detail(e));
    }

    private static String detail(ConfigException e) {
        String message = e.getMessage();
        ConfigOrigin where = e.origin();
        if (where != null && message.startsWith(where.description() + ": ")) {
            message = message.substring(where.description().length() + 2);
        }
        // Typesafe 1.4.9 reuses its include() message for an object left open at the end of the
        // file (ConfigDocumentParser.parseObject): say what is really missing.
        if (message.equals("expecting a close parentheses ')' here, not: end of file")) {
            message = "end of file before a closing '}'";
        }
        return message;
    }
}
