package net.synguard.bench;

import java.util.concurrent.TimeUnit;
import net.synguard.pressure.DestinationStats;
import net.synguard.pressure.PressureTables;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Per-SYN cost of the pressure tables: a spoofed flood (a new source every SYN, the first-sight path),
 * a few real sources repeating (Caffeine hits), and a botnet-sized set of 65,536 sources cycling
 * (the lab's flood: every SYN a cache hit on a cold line). Run with {@code tests/bench/jmh.sh Pressure}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PressureBenchmark {
    private static final long MAPPED = 0x0000_FFFF_0000_0000L;
    private static final long SERVER = MAPPED | 0xC6120001L;

    private PressureTables tables;
    private long nowNs;
    private long next;

    @Setup(Level.Trial)
    public void setUp() {
        nowNs = 1_700_000_000_000_000_000L;
        long[] clock = {nowNs};
        tables = new PressureTables(262_144, 65_536, 4096, 120_000_000_000L, 24, 64, 1_000_000_000L, () -> clock[0]);
    }

    /** One SYN from a never-seen source: what a spoofed flood costs per packet. */
    @Benchmark
    public DestinationStats spoofedSource() {
        // A Weyl sequence through the IPv4 space: no repeats for 2^32 SYNs, no table to keep.
        long src = MAPPED | ((next++ * 0x9E3779B9L) & 0xFFFF_FFFFL);
        nowNs += 1000;
        DestinationStats d = tables.onSyn(0, src, 0, SERVER, 80, nowNs);
        tables.onHalfOpenOpened(0, src, 0, SERVER, nowNs);
        return d;
    }

    /** One SYN from one of 64 repeating sources: Caffeine hits. */
    @Benchmark
    public DestinationStats repeatingSource() {
        long src = MAPPED | 0xC6120100L | (next++ & 63);
        nowNs += 1000;
        DestinationStats d = tables.onSyn(0, src, 0, SERVER, 80, nowNs);
        tables.onHalfOpenOpened(0, src, 0, SERVER, nowNs);
        return d;
    }

    /**
     * One SYN from one of 65,536 sources that come round every 65,536 SYNs (a /16 in a shuffled
     * order): every lookup a hit, on an entry last read 65 ms of packet time before.
     */
    @Benchmark
    public DestinationStats botnetSource() {
        long src = MAPPED | 0xC6130000L | ((next++ * 0x9E37L) & 0xFFFF);
        nowNs += 1000;
        DestinationStats d = tables.onSyn(0, src, 0, SERVER, 80, nowNs);
        tables.onHalfOpenOpened(0, src, 0, SERVER, nowNs);
        return d;
    }
}
