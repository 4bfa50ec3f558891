package net.synguard.bench;

import java.util.concurrent.TimeUnit;
import net.synguard.mitigate.CookieCodec;
import net.synguard.mitigate.CookieKeys;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Per-packet cost of SYN cookies: one encode per SYN answered, one check per RST or ACK that comes
 * back (genuine) or is guessed (an ACK flood: the first hash rejects most). Run with {@code
 * tests/bench/jmh.sh Cookie}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CookieBenchmark {
    private static final long MAPPED = 0x0000_FFFF_0000_0000L;
    private static final long SERVER = MAPPED | 0xC6120001L;
    private static final long PERIOD_NS = 60_000_000_000L;

    private CookieCodec codec;
    private long nowNs;
    private long next;

    @Setup(Level.Trial)
    public void setUp() {
        codec = new CookieCodec(CookieKeys.ephemeral(PERIOD_NS, 60 * PERIOD_NS));
        nowNs = 1_700_000_000_000_000_000L;
    }

    private long source() {
        return MAPPED | ((next++ * 0x9E3779B9L) & 0xFFFF_FFFFL);
    }

    /** A SYN from a new source: the SYN-ACK's cookie. */
    @Benchmark
    public int encode() {
        long src = source();
        nowNs += 1000;
        return codec.encode(0, src, 0, SERVER, (int) src & 0xFFFF, 443, (int) (src * 31), 1460, nowNs);
    }

    /** A genuine answer: the cookie verifies (both hashes). */
    @Benchmark
    public int checkValid() {
        long src = source();
        nowNs += 1000;
        int isn = (int) (src * 31);
        int cookie = codec.encode(0, src, 0, SERVER, (int) src & 0xFFFF, 443, isn, 1460, nowNs);
        return codec.decodeMssIndex(0, src, 0, SERVER, (int) src & 0xFFFF, 443, cookie, isn, nowNs);
    }

    /** A guessed cookie: almost always rejected after the first hash and the counter test. */
    @Benchmark
    public int checkForged() {
        long src = source();
        nowNs += 1000;
        return codec.decodeMssIndex(0, src, 0, SERVER, (int) src & 0xFFFF, 443, (int) (src * 0x2545F491L), 7, nowNs);
    }
}
