package net.synguard.config;

import com.typesafe.config.ConfigUtil;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;

/**
 * Prints a {@link SynguardConfig} as HOCON that parses back to the same record: every key, in the
 * order of the shipped file, durations and sizes in the largest unit that divides them exactly.
 */
final class Render {

    // No minutes: "m" reads too much like "ms"; 120s is plain.
    private static final String[] DURATION_UNITS = {"h", "s", "ms", "us", "ns"};
    private static final long[] DURATION_NANOS = {3_600_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L, 1L};
    private static final String[] SIZE_UNITS = {"GiB", "MiB", "KiB", "B"};
    private static final long[] SIZE_BYTES = {1L << 30, 1L << 20, 1L << 10, 1L};

    private final StringBuilder out = new StringBuilder(4096);
    private int depth;

    private Render() {}

    static String render(SynguardConfig c) {
        Render r = new Render();
        r.out.append("# effective synguard configuration, from ")
                .append(c.origin())
                .append('\n');
        r.open("synguard");
        r.line("interfaces", strings(c.interfaces()));
        r.protect(c.protect());
        r.open("capture");
        r.line("snaplen", Integer.toString(c.capture().snaplen()));
        r.line("buffer-size", size(c.capture().bufferSizeBytes()));
        r.line("engine", quote(c.capture().engine()));
        r.line("tick", duration(c.capture().tick()));
        r.line("filter", quote(c.capture().filter()));
        r.close();
        r.open("track");
        r.line("capacity", Integer.toString(c.track().capacity()));
        r.line("synack-retries", Integer.toString(c.track().synackRetries()));
        r.line("initial-rto", duration(c.track().initialRto()));
        r.close();
        PressureConfig p = c.pressure();
        r.open("pressure");
        r.line("sources", Integer.toString(p.sources()));
        r.line("prefixes", Integer.toString(p.prefixes()));
        r.line("destinations", Integer.toString(p.destinations()));
        r.line("idle", duration(p.idle()));
        r.line("ipv4-prefix-length", Integer.toString(p.ipv4PrefixLength()));
        r.line("ipv6-prefix-length", Integer.toString(p.ipv6PrefixLength()));
        r.close();
        r.detect(c.detect());
        r.open("mitigation");
        r.line("mode", quote(c.mitigation().mode().configName()));
        r.line("handoff", quote(c.mitigation().handoff().configName()));
        MitigationConfig m = c.mitigation();
        r.line("engine", quote(m.engine().configName()));
        r.line("verified-timeout", duration(m.verifiedTimeout()));
        r.line("max-synack-rate", Integer.toString(m.maxSynAckRate()));
        r.line("prefix-synack-rate", Integer.toString(m.prefixSynAckRate()));
        r.line("unanswered-limit", Integer.toString(m.unansweredLimit()));
        r.line("unanswered-backoff", duration(m.unansweredBackoff()));
        r.line("challenge-table", Integer.toString(m.challengeTable()));
        r.line("purge-half-open", Boolean.toString(m.purgeHalfOpen()));
        r.line("cookie-key-rotation", duration(m.cookieKeyRotation()));
        r.open("block");
        r.line("enabled", Boolean.toString(m.block().enabled()));
        r.line("timeout", duration(m.block().timeout()));
        r.line("min-share", Double.toString(m.block().minShare()));
        r.close();
        r.line(
                "nft-command",
                m.nftCommand().stream()
                        .map(Render::quote)
                        .collect(java.util.stream.Collectors.joining(", ", "[ ", " ]")));
        r.open("kernel");
        r.line("syncookies", keep(m.kernel().syncookies()));
        r.line("max-syn-backlog", keep(m.kernel().maxSynBacklog()));
        r.line("synack-retries", keep(m.kernel().synackRetries()));
        r.close();
        r.close();
        r.open("alerts");
        r.line("file", quote(c.alerts().file().toString()));
        r.line("top-sources", Integer.toString(c.alerts().topSources()));
        r.open("hook");
        r.line(
                "command",
                c.alerts().hookCommand().isEmpty()
                        ? "[ ]"
                        : c.alerts().hookCommand().stream()
                                .map(Render::quote)
                                .collect(java.util.stream.Collectors.joining(", ", "[ ", " ]")));
        r.line("timeout", duration(c.alerts().hookTimeout()));
        r.close();
        r.close();
        r.open("metrics");
        r.line("listen", quote(c.metrics().listen()));
        r.close();
        r.line("state-dir", quote(c.stateDir().toString()));
        r.close();
        return r.out.toString();
    }

    private void detect(DetectConfig d) {
        open("detect");
        open("destination");
        line("syn-rate", number(d.destination().synRate()));
        line("half-open", Integer.toString(d.destination().halfOpen()));
        line("completion-ratio", number(d.destination().completionRatio()));
        line("min-syns", Integer.toString(d.destination().minSyns()));
        close();
        open("source");
        line("syn-rate", number(d.source().synRate()));
        line("failed-handshakes", Integer.toString(d.source().failedHandshakes()));
        close();
        line("window", duration(d.window()));
        line("end-ratio", number(d.endRatio()));
        line("quiet-time", duration(d.quietTime()));
        line("update-interval", duration(d.updateInterval()));
        DetectConfig.Classify k = d.classify();
        open("classify");
        line("spoofed-min-sources", Integer.toString(k.spoofedMinSources()));
        line("spoofed-max-repeat", number(k.spoofedMaxRepeat()));
        line("few-sources-max", Integer.toString(k.fewSourcesMax()));
        line("few-sources-share", number(k.fewSourcesShare()));
        line("scan-min-ports", Integer.toString(k.scanMinPorts()));
        close();
        close();
    }

    private void protect(List<ProtectedService> services) {
        if (services.isEmpty()) {
            line("protect", "[ ]");
            return;
        }
        line("protect", "[");
        depth++;
        for (ProtectedService s : services) {
            StringBuilder item = new StringBuilder("{ address = ").append(quote(s.address()));
            if (!s.ports().isEmpty()) {
                item.append(", ports = [ ");
                for (int i = 0; i < s.ports().size(); i++) {
                    item.append(i == 0 ? "" : ", ").append(s.ports().get(i));
                }
                item.append(" ]");
            }
            indent().append(item).append(" }\n");
        }
        depth--;
        indent().append("]\n");
    }

    private void open(String key) {
        indent().append(key).append(" {\n");
        depth++;
    }

    private void close() {
        depth--;
        indent().append("}\n");
    }

    private void line(String key, String value) {
        indent().append(key).append(" = ").append(value).append('\n');
    }

    private StringBuilder indent() {
        return out.repeat("  ", depth);
    }

    private static String strings(List<String> values) {
        StringBuilder sb = new StringBuilder("[ ");
        for (int i = 0; i < values.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(quote(values.get(i)));
        }
        return sb.append(" ]").toString();
    }

    static String quote(String s) {
        return ConfigUtil.quoteString(s);
    }

    /** A double with no exponent and no trailing zeros: 1000, 0.5, 0.00001. */
    static String number(double d) {
        return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }

    /** {@code 5s}, {@code 100ms}, {@code 1h}: the largest unit that divides the duration exactly. */
    static String duration(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        long nanos = d.toNanos();
        for (int i = 0; i < DURATION_UNITS.length; i++) {
            if (nanos % DURATION_NANOS[i] == 0) {
                return (nanos / DURATION_NANOS[i]) + DURATION_UNITS[i];
            }
        }
        throw new AssertionError("unreachable: every duration divides by 1ns");
    }

    /** {@code 64MiB}, {@code 1536KiB}: the largest binary unit that divides the size exactly. */
    static String size(long bytes) {
        for (int i = 0; i < SIZE_UNITS.length; i++) {
            if (bytes != 0 && bytes % SIZE_BYTES[i] == 0) {
                return (bytes / SIZE_BYTES[i]) + SIZE_UNITS[i];
            }
        }
        return bytes + "B";
    }

    private static String keep(java.util.OptionalInt value) {
        return value.isPresent() ? Integer.toString(value.getAsInt()) : quote("keep");
    }
}
