package net.synguard.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.util.Locale;
import net.synguard.capture.LinkType;
import net.synguard.config.ConfigLoader;
import net.synguard.config.SynguardConfig;
import net.synguard.decode.TcpSegment;
import net.synguard.decode.TestSegments;
import net.synguard.pipeline.Pipeline;
import net.synguard.pressure.PressureTables;
import net.synguard.track.HalfOpenTimeout;
import net.synguard.track.HandshakeListener;
import net.synguard.track.HandshakeTracker;

/**
 * Heap bytes per tracked source and per half-open entry, measured: the heap in use after full
 * collections, before and after filling the real tables, divided by what they hold. Not a JUnit
 * test and not a JMH benchmark (a heap delta needs one quiet JVM, not forks and iterations); run by
 * tests/bench/memory.sh, or by hand:
 *
 * <pre>
 * java -Xmx1g -cp target/test-classes:target/classes:$(cat target/jmh-test-classpath.txt) \
 *     net.synguard.bench.MemoryFootprint [SOURCES [HALF_OPEN]]
 * </pre>
 *
 * Prints a markdown table on stdout and one {@code key=value} line per figure. Why each step:
 *
 * <ul>
 *   <li>A {@link Pipeline} with the shipped config, before any packet: what the data path holds
 *       whatever the traffic (the fixed tables are allocated up front).
 *   <li>Sources: {@link PressureTables} sized for SOURCES, filled with SOURCES addresses that each
 *       send two SYNs (the second earns the Caffeine entry). The prefix length is /8 and every
 *       address is in 10/8, so they share one prefix entry and the delta is the sources' own. Then
 *       twice as many new sources again: a full cache must evict, not grow.
 *   <li>Destinations: as many as the shipped config keeps, one SYN each.
 *   <li>Half-open: a {@link HandshakeTracker} of HALF_OPEN entries, constructed (all its memory is
 *       allocated here), filled with HALF_OPEN SYNs from distinct sources, then twice as many more
 *       (every one evicts): both deltas should be about 0.
 * </ul>
 */
public final class MemoryFootprint {
    private static final long T0_NS = 1_700_000_000_000_000_000L;
    private static final long SERVER = TestSegments.ipv4(198, 18, 0, 1);

    private MemoryFootprint() {}

    public static void main(String[] args) throws InterruptedException {
        int sources = args.length > 0 ? Integer.parseInt(args[0]) : 262_144;
        int halfOpen = args.length > 1 ? Integer.parseInt(args[1]) : 524_288;
        if (sources < 1 || sources > 1 << 23 || halfOpen < 1024) {
            throw new IllegalArgumentException(
                    "SOURCES 1..8388608 (10/8 holds them, two each), HALF_OPEN >= 1024: " + sources + " " + halfOpen);
        }
        StringBuilder table = new StringBuilder();
        table.append("| what | measured | per entry |\n|---|---:|---:|\n");

        // 1. The whole data path's fixed part with the shipped config.
        SynguardConfig cfg = ConfigLoader.defaults();
        long before = usedAfterGc();
        Pipeline pipeline = new Pipeline(cfg, LinkType.ETHERNET, (event, json, summary) -> {});
        long pipelineBytes = usedAfterGc() - before;
        Reference.reachabilityFence(pipeline);
        pipeline = null;
        row(table, "Pipeline, shipped config, before any packet", mib(pipelineBytes), "");
        kv("pipeline_fixed_bytes", pipelineBytes);

        // 2. Sources.
        long[] now = {T0_NS};
        before = usedAfterGc();
        PressureTables pressure =
                new PressureTables(sources, 1024, 16, 120_000_000_000L, 8, 64, 1_000_000_000L, () -> now[0]);
        long emptyBytes = usedAfterGc() - before;
        long empty = usedAfterGc();
        fillSources(pressure, 0, sources, now);
        long tracked = pressure.trackedSources();
        long filled = usedAfterGc();
        double perSource = (double) (filled - empty) / tracked;
        fillSources(pressure, sources, 2 * sources, now);
        long trackedAfterChurn = pressure.trackedSources();
        long churned = usedAfterGc();
        Reference.reachabilityFence(pressure);
        row(
                table,
                "PressureTables for " + sources + " sources, empty (first-sight table, filter)",
                mib(emptyBytes),
                fmt((double) emptyBytes / sources) + " B per configured source");
        row(
                table,
                tracked + " tracked sources (Caffeine entry, key, SourceStats)",
                mib(filled - empty),
                fmt(perSource) + " B per source");
        row(
                table,
                "then " + 2L * sources + " more sources (cache full: evictions)",
                signedMib(churned - filled),
                "tracked " + trackedAfterChurn);
        kv("pressure_empty_bytes", emptyBytes);
        kv("sources_tracked", tracked);
        kv("bytes_per_source", fmt(perSource));
        kv("sources_tracked_after_churn", trackedAfterChurn);
        kv("sources_growth_after_full_bytes", churned - filled);
        pressure = null;

        // 3. Destinations (watched addresses: every destination when protect is empty).
        int destinations = cfg.pressure().destinations();
        PressureTables dst =
                new PressureTables(1024, 1024, destinations, 120_000_000_000L, 24, 64, 1_000_000_000L, () -> now[0]);
        long noDst = usedAfterGc();
        for (int i = 0; i < destinations; i++) {
            now[0] += 1_000;
            dst.onSyn(0, TestSegments.ipv4(0x0A00_0001), 0, TestSegments.ipv4(0xC612_0000 + i), 80, now[0]);
        }
        long dstTracked = dst.trackedDestinations();
        long withDst = usedAfterGc();
        Reference.reachabilityFence(dst);
        double perDst = (double) (withDst - noDst) / dstTracked;
        row(
                table,
                dstTracked + " destinations (rates, HyperLogLogs, top-k sketches)",
                mib(withDst - noDst),
                fmt(perDst) + " B per destination");
        kv("bytes_per_destination", fmt(perDst));
        dst = null;

        // 4. Half-open entries.
        TcpSegment seg = new TcpSegment();
        before = usedAfterGc();
        HandshakeTracker tracker =
                new HandshakeTracker(halfOpen, HalfOpenTimeout.DEFAULT_NS, 1, HandshakeListener.ignoring());
        long trackerBytes = usedAfterGc() - before;
        long constructed = usedAfterGc();
        long t = fillHalfOpen(tracker, seg, 0, halfOpen, T0_NS);
        int open = tracker.halfOpen();
        long full = usedAfterGc();
        fillHalfOpen(tracker, seg, halfOpen, 3 * halfOpen, t);
        long evicting = usedAfterGc();
        int openAfter = tracker.halfOpen();
        long evicted = tracker.evicted();
        Reference.reachabilityFence(tracker);
        double perEntry = (double) trackerBytes / halfOpen;
        row(
                table,
                "HandshakeTracker of " + halfOpen + " half-open entries, constructed",
                mib(trackerBytes),
                fmt(perEntry) + " B per entry (layout: 72 + per-port table)");
        row(table, "filled: " + open + " half-open", signedMib(full - constructed), "");
        row(
                table,
                "then " + 2L * halfOpen + " more SYNs (" + evicted + " evictions)",
                signedMib(evicting - full),
                "half-open " + openAfter);
        kv("tracker_bytes", trackerBytes);
        kv("bytes_per_half_open_entry", fmt(perEntry));
        kv("half_open_filled", open);
        kv("half_open_growth_fill_bytes", full - constructed);
        kv("half_open_growth_evicting_bytes", evicting - full);

        StringBuilder gcs = new StringBuilder();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcs.append(gc.getName()).append('=').append(gc.getCollectionCount()).append(' ');
        }
        System.out.println();
        System.out.print(table);
        System.out.println();
        System.out.println("JVM: " + System.getProperty("java.vm.name") + " " + Runtime.version() + ", max heap "
                + mib(Runtime.getRuntime().maxMemory()) + ", collections: "
                + gcs.toString().trim());
    }

    /** Sources {@code from..to-1} in 10/8 (address = 10.0.0.0 + i), two SYNs each, 1 µs apart. */
    private static void fillSources(PressureTables p, int from, int to, long[] now) {
        for (int i = from; i < to; i++) {
            long src = TestSegments.ipv4(0x0A00_0000 + i);
            now[0] += 1_000;
            p.onSyn(0, src, 0, SERVER, 80, now[0]);
            p.onSyn(0, src, 0, SERVER, 80, now[0]);
        }
    }

    /** SYNs {@code from..to-1}, each from its own address (a bijection of the 32-bit space). */
    private static long fillHalfOpen(HandshakeTracker tracker, TcpSegment seg, int from, int to, long startNs) {
        long t = startNs;
        for (int i = from; i < to; i++) {
            t += 100; // 10 M SYN/s: the whole fill is far inside the 63 s timeout
            TestSegments.set(
                    seg,
                    0,
                    TestSegments.ipv4(i * 0x9E37_79B1),
                    1024 + (i & 0x7FFF),
                    0,
                    SERVER,
                    80,
                    TcpSegment.SYN,
                    i,
                    0);
            tracker.onSegment(seg, t);
        }
        return t;
    }

    /** Heap in use after full collections: repeated until two readings agree within 64 KiB. */
    private static long usedAfterGc() throws InterruptedException {
        long last = Long.MAX_VALUE;
        for (int i = 0; i < 8; i++) {
            System.gc();
            Thread.sleep(20);
            long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            if (Math.abs(used - last) < 65_536) {
                return used;
            }
            last = used;
        }
        return last;
    }

    private static void row(StringBuilder table, String what, String measured, String perEntry) {
        table.append("| ")
                .append(what)
                .append(" | ")
                .append(measured)
                .append(" | ")
                .append(perEntry)
                .append(" |\n");
    }

    private static void kv(String key, Object value) {
        System.out.println(key + "=" + value);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    private static String signedMib(long bytes) {
        return String.format(Locale.ROOT, "%+.2f MiB", bytes / 1048576.0);
    }
}
