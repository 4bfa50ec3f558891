package net.synguard.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.net.InetAddress;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a merged, resolved {@link Config} into a {@link SynguardConfig}, checking every value. The
 * ranges here and the comments in config/synguard.conf say the same thing; change both together.
 */
final class Validator {
    /** Read-loop engines, in the order error messages list them. */
    private static final Map<String, String> ENGINES = orderedChoices("ffm", "pcap4j");

    private static Map<String, String> orderedChoices(String... names) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String n : names) {
            m.put(n, n);
        }
        return m;
    }

    private static final int MAX = Integer.MAX_VALUE;
    private static final Set<String> SERVICE_KEYS = Set.of("address", "ports");
    private static final String PORT = "a port number between 1 and 65535";

    private final Values v;
    private final String origin;

    private Validator(Config config, String origin) {
        this.v = new Values(config, origin, "", null);
        this.origin = origin;
    }

    static SynguardConfig validate(Config config, String origin) throws ConfigError {
        return new Validator(config, origin).config();
    }

    private SynguardConfig config() throws ConfigError {
        return new SynguardConfig(
                interfaces(),
                protect(),
                capture(),
                track(),
                pressure(),
                detect(),
                mitigation(),
                new AlertsConfig(
                        absolutePath("synguard.alerts.file"),
                        v.integer("synguard.alerts.top-sources", 1, 100, "an integer between 1 and 100"),
                        hookCommand(),
                        v.duration("synguard.alerts.hook.timeout", Duration.ofMillis(100), Duration.ofMinutes(10))),
                metrics(),
                absolutePath("synguard.state-dir"),
                origin);
    }

    private List<String> hookCommand() throws ConfigError {
        String key = "synguard.alerts.hook.command";
        String expected = "a list of strings: the program (absolute path) and its arguments, or [] for none";
        List<? extends ConfigValue> list = v.list(key, expected);
        List<String> argv = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            argv.add(v.string(list.get(i), key + "[" + i + "]", "a string"));
        }
        if (!argv.isEmpty() && !argv.get(0).startsWith("/")) {
            throw v.at(list.get(0), key + "[0]", "an absolute path to the program (no PATH lookup in a daemon)");
        }
        return argv;
    }

    private List<String> interfaces() throws ConfigError {
        String key = "synguard.interfaces";
        String expected = "a list of at least one interface name";
        List<? extends ConfigValue> list = v.list(key, expected);
        if (list.isEmpty()) {
            throw v.error(key, v.value(key, expected), expected);
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String at = key + "[" + i + "]";
            String name = v.string(list.get(i), at, "an interface name");
            String problem = Literals.interfaceNameProblem(name);
            if (problem == null && names.contains(name)) {
                problem = "an interface not already listed";
            }
            if (problem != null) {
                throw v.at(list.get(i), at, problem);
            }
            names.add(name);
        }
        return names;
    }

    private List<ProtectedService> protect() throws ConfigError {
        String key = "synguard.protect";
        List<? extends ConfigValue> list = v.list(key, "a list of { address = \"...\", ports = [ ... ] } objects");
        List<ProtectedService> services = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String at = key + "[" + i + "]";
            ConfigValue item = list.get(i);
            if (item.valueType() != ConfigValueType.OBJECT) {
                throw v.at(item, at, "an object { address = \"...\", ports = [ ... ] }");
            }
            ConfigObject object = (ConfigObject) item;
            for (Map.Entry<String, ConfigValue> e : object.entrySet()) {
                if (!SERVICE_KEYS.contains(e.getKey())) {
                    String near = KnownKeys.nearest(e.getKey(), SERVICE_KEYS);
                    throw v.at(
                            e.getValue(),
                            at + "." + e.getKey(),
                            near == null ? "address or ports" : "a known key, did you mean " + at + "." + near + "?");
                }
            }
            ProtectedService service = service(new Values(object.toConfig(), origin, at + ".", object.origin()), at);
            if (!seen.add(service.address())) {
                throw v.at(
                        object.get("address"),
                        at + ".address",
                        "an address not already listed (put all its ports in one entry)");
            }
            services.add(service);
        }
        return services;
    }

    private static ProtectedService service(Values item, String at) throws ConfigError {
        String text = item.string("address", Literals.ADDRESS);
        InetAddress address = Literals.address(text);
        if (address == null) {
            throw item.error("address", item.value("address", Literals.ADDRESS), Literals.ADDRESS);
        }
        List<Integer> ports = new ArrayList<>();
        if (item.has("ports")) {
            List<? extends ConfigValue> list = item.list("ports", "a list of port numbers (empty: every port)");
            for (int i = 0; i < list.size(); i++) {
                String portKey = at + ".ports[" + i + "]";
                int port = (int) item.integer(list.get(i), portKey, 1, 65535, PORT);
                if (ports.contains(port)) {
                    throw item.at(list.get(i), portKey, "a port not already listed");
                }
                ports.add(port);
            }
        }
        return new ProtectedService(Literals.canonical(address), Literals.high(address), Literals.low(address), ports);
    }

    private CaptureConfig capture() throws ConfigError {
        return new CaptureConfig(
                v.integer("synguard.capture.snaplen", 64, 65535, "an integer between 64 and 65535"),
                v.bytes(
                        "synguard.capture.buffer-size",
                        1L << 20,
                        MAX,
                        "a size from 1MiB up to (not including) 2GiB, such as 64MiB"),
                v.choice("synguard.capture.engine", ENGINES),
                v.duration("synguard.capture.tick", Duration.ofMillis(10), Duration.ofSeconds(1)),
                bpfFilter("synguard.capture.filter"));
    }

    /** A filter libpcap compiles for Ethernet: a typo is a config error, not a capture failure later. */
    private String bpfFilter(String key) throws ConfigError {
        String expected = "a BPF filter expression (tcpdump syntax) that libpcap compiles";
        String text = v.string(key, expected);
        String problem = Literals.bpfProblem(text);
        if (problem != null) {
            throw v.error(key, v.value(key, expected), expected + " (libpcap: " + problem + ")");
        }
        return text;
    }

    private TrackConfig track() throws ConfigError {
        return new TrackConfig(
                v.integer("synguard.track.capacity", 1024, 67_108_864, "an integer between 1024 and 67108864"),
                v.integer("synguard.track.synack-retries", 0, 255, "an integer between 0 and 255"),
                v.duration("synguard.track.initial-rto", Duration.ofMillis(100), Duration.ofSeconds(10)));
    }

    private PressureConfig pressure() throws ConfigError {
        String p = "synguard.pressure.";
        return new PressureConfig(
                v.integer(p + "sources", 1024, 16_777_216, "an integer between 1024 and 16777216"),
                v.integer(p + "prefixes", 1024, 16_777_216, "an integer between 1024 and 16777216"),
                v.integer(p + "destinations", 16, 1_048_576, "an integer between 16 and 1048576"),
                v.duration(p + "idle", Duration.ofSeconds(1), Duration.ofHours(1)),
                v.integer(p + "ipv4-prefix-length", 8, 32, "an integer between 8 and 32"),
                v.integer(p + "ipv6-prefix-length", 16, 128, "an integer between 16 and 128"));
    }

    private DetectConfig detect() throws ConfigError {
        String d = "synguard.detect.";
        String positive = "a number greater than 0";
        String positiveInt = "an integer greater than 0";
        String share = "a number between 0 and 1";
        var destination = new DetectConfig.DestinationThresholds(
                v.decimal(d + "destination.syn-rate", x -> x > 0, positive),
                v.integer(d + "destination.half-open", 1, MAX, positiveInt),
                v.decimal(d + "destination.completion-ratio", x -> x >= 0 && x <= 1, share),
                v.integer(d + "destination.min-syns", 1, MAX, "an integer of at least 1"));
        var source = new DetectConfig.SourceThresholds(
                v.decimal(d + "source.syn-rate", x -> x > 0, positive),
                v.integer(d + "source.failed-handshakes", 1, MAX, positiveInt));
        Duration window = v.duration(d + "window", Duration.ofMillis(100), Duration.ofSeconds(60));
        double endRatio = v.decimal(d + "end-ratio", x -> x > 0 && x <= 1, "a number greater than 0 and at most 1");
        Duration quietTime = v.duration(d + "quiet-time", Duration.ZERO, Duration.ofHours(1));
        Duration updateInterval = v.duration(d + "update-interval", Duration.ofSeconds(1), Duration.ofHours(1));
        String c = d + "classify.";
        var classify = new DetectConfig.Classify(
                v.integer(c + "spoofed-min-sources", 2, MAX, "an integer of at least 2"),
                v.decimal(c + "spoofed-max-repeat", x -> x > 1, "a number greater than 1"),
                v.integer(c + "few-sources-max", 1, 64, "an integer between 1 and 64"),
                v.decimal(c + "few-sources-share", x -> x >= 0 && x <= 1, share),
                v.integer(c + "scan-min-ports", 2, MAX, "an integer of at least 2"));
        return new DetectConfig(destination, source, window, endRatio, quietTime, updateInterval, classify);
    }

    private MitigationConfig mitigation() throws ConfigError {
        String m = "synguard.mitigation.";
        Map<String, MitigationConfig.Mode> modes = new LinkedHashMap<>();
        for (MitigationConfig.Mode x : MitigationConfig.Mode.values()) {
            modes.put(x.configName(), x);
        }
        Map<String, MitigationConfig.Handoff> handoffs = new LinkedHashMap<>();
        for (MitigationConfig.Handoff x : MitigationConfig.Handoff.values()) {
            handoffs.put(x.configName(), x);
        }
        Map<String, MitigationConfig.Engine> engines = new LinkedHashMap<>();
        for (MitigationConfig.Engine x : MitigationConfig.Engine.values()) {
            engines.put(x.configName(), x);
        }
        String rate = "an integer between 1 and 10000000";
        return new MitigationConfig(
                v.choice(m + "mode", modes),
                v.choice(m + "handoff", handoffs),
                v.choice(m + "engine", engines),
                v.duration(m + "verified-timeout", Duration.ofSeconds(10), Duration.ofDays(7)),
                v.integer(m + "max-synack-rate", 1, 10_000_000, rate),
                v.integer(m + "prefix-synack-rate", 1, 10_000_000, rate),
                v.integer(m + "unanswered-limit", 1, 1000, "an integer between 1 and 1000"),
                v.duration(m + "unanswered-backoff", Duration.ZERO, Duration.ofHours(24)),
                v.integer(m + "challenge-table", 1024, 16_777_216, "an integer between 1024 and 16777216"),
                bool(m + "purge-half-open"),
                v.duration(m + "cookie-key-rotation", Duration.ofMinutes(5), Duration.ofDays(30)),
                new MitigationConfig.Block(
                        bool(m + "block.enabled"),
                        v.duration(m + "block.timeout", Duration.ofSeconds(1), Duration.ofDays(7)),
                        v.decimal(
                                m + "block.min-share", x -> x > 0 && x <= 1, "a number greater than 0 and at most 1")),
                nftCommand(m + "nft-command"),
                new MitigationConfig.Kernel(
                        keepOr(m + "kernel.syncookies", 0, 2),
                        keepOr(m + "kernel.max-syn-backlog", 1, MAX),
                        keepOr(m + "kernel.synack-retries", 1, 255)));
    }

    private boolean bool(String key) throws ConfigError {
        String expected = "true or false";
        ConfigValue value = v.value(key, expected);
        if (value.valueType() != ConfigValueType.BOOLEAN) {
            throw v.error(key, value, expected);
        }
        return (Boolean) value.unwrapped();
    }

    /** "keep" (leave the sysctl alone) or an integer in range. */
    private java.util.OptionalInt keepOr(String key, int min, int max) throws ConfigError {
        String expected = "\"keep\" or an integer between " + min + " and " + max;
        ConfigValue value = v.value(key, expected);
        if (value.valueType() == ConfigValueType.STRING && "keep".equals(value.unwrapped())) {
            return java.util.OptionalInt.empty();
        }
        if (value.valueType() != ConfigValueType.NUMBER) {
            throw v.error(key, value, expected);
        }
        return java.util.OptionalInt.of(v.integer(key, min, max, expected));
    }

    private List<String> nftCommand(String key) throws ConfigError {
        String expected = "a list of strings: the nft program and any words before its arguments";
        List<? extends ConfigValue> list = v.list(key, expected);
        List<String> argv = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            argv.add(v.string(list.get(i), key + "[" + i + "]", "a string"));
        }
        if (argv.isEmpty()) {
            throw v.error(key, v.value(key, expected), expected);
        }
        return argv;
    }

    private MetricsConfig metrics() throws ConfigError {
        String key = "synguard.metrics.listen";
        String expected = "HOST:PORT or [IPv6]:PORT, HOST an IP address literal, PORT between 1 and 65535";
        Literals.HostPort hp = Literals.hostPort(v.string(key, expected));
        if (hp == null) {
            throw v.error(key, v.value(key, expected), expected);
        }
        return new MetricsConfig(hp.host(), hp.port());
    }

    private Path absolutePath(String key) throws ConfigError {
        String expected = "an absolute path";
        String text = v.string(key, expected);
        try {
            Path path = Path.of(text);
            if (path.isAbsolute()) {
                return path.normalize();
            }
        } catch (InvalidPathException e) {
            // falls through to the error
        }
        throw v.error(key, v.value(key, expected), expected);
    }
}
