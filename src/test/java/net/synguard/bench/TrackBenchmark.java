package net.synguard.bench;

import java.util.concurrent.TimeUnit;
import net.synguard.decode.TcpSegment;
import net.synguard.decode.TestSegments;
import net.synguard.track.HalfOpenTimeout;
import net.synguard.track.HandshakeListener;
import net.synguard.track.HandshakeTracker;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The tracker's hot paths, one segment per op.
 *
 * <ul>
 *   <li>{@code spoofedFlood}: a SYN from a new random IPv4 source every op into a full table, so
 *       every op is a miss, an eviction and an insert (with an {@code advance} every 1024 ops);
 *   <li>{@code handshakeMix}: SYN, SYN-ACK, ACK of 4096 repeating flows, a third of each;
 *   <li>{@code establishedAck}: an ACK of a connection with no half-open entry, the most common
 *       segment on a busy server.
 * </ul>
 *
 * Run: {@code java -cp ... org.openjdk.jmh.Main TrackBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TrackBenchmark {
    static final long SERVER = TestSegments.ipv4(198, 51, 100, 10);
    static final int FLOWS = 4096;

    HandshakeTracker flood;
    HandshakeTracker mix;
    final TcpSegment seg = new TcpSegment();
    long floodNow;
    long mixNow;
    long rng = 0x9E37_79B9_7F4A_7C15L;
    int ops;
    int step;
    final long[] mixClients = new long[FLOWS];

    @Setup
    public void setUp() {
        long t0 = 1_700_000_000_000_000_000L;
        flood = new HandshakeTracker(65536, HalfOpenTimeout.DEFAULT_NS, 1, HandshakeListener.ignoring());
        floodNow = t0;
        flood.advance(floodNow);
        for (int i = 0; i < 1_000_000; i++) {
            spoofedFlood(); // fill the table so the measured ops all evict
        }
        mix = new HandshakeTracker(65536, HalfOpenTimeout.DEFAULT_NS, 1, HandshakeListener.ignoring());
        mixNow = t0;
        for (int i = 0; i < FLOWS; i++) {
            mixClients[i] = TestSegments.ipv4(0x0A00_0000 | i * 13);
        }
        // One flow parked half-open so establishedAck does not take the empty-table shortcut.
        TestSegments.set(seg, 0, TestSegments.ipv4(192, 0, 2, 1), 1, 0, SERVER, 443, TcpSegment.SYN, 1, 0);
        mix.onSegment(seg, mixNow);
    }

    private long nextRandom() {
        long x = rng; // xorshift64: no allocation, unlike a shared Random
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        return rng = x;
    }

    @Benchmark
    public int spoofedFlood() {
        long r = nextRandom();
        TestSegments.set(
                seg,
                0,
                TestSegments.ipv4((int) r),
                1024 + (int) ((r >>> 32) & 0xEFFF),
                0,
                SERVER,
                443,
                TcpSegment.SYN,
                (int) (r >>> 17),
                0);
        floodNow += 100;
        if ((++ops & 1023) == 0) {
            flood.advance(floodNow);
        }
        return flood.onSegment(seg, floodNow);
    }

    @Benchmark
    public int handshakeMix() {
        int i = step++ & 0x7FFF_FFFF;
        int flow = (i / 3) & (FLOWS - 1);
        long client = mixClients[flow];
        int cPort = 20000 + flow, cIsn = flow * 7919, sIsn = ~cIsn;
        mixNow += 100;
        switch (i % 3) {
            case 0 -> TestSegments.set(seg, 0, client, cPort, 0, SERVER, 443, TcpSegment.SYN, cIsn, 0);
            case 1 ->
                TestSegments.set(
                        seg, 0, SERVER, 443, 0, client, cPort, TcpSegment.SYN | TcpSegment.ACK, sIsn, cIsn + 1);
            default -> TestSegments.set(seg, 0, client, cPort, 0, SERVER, 443, TcpSegment.ACK, cIsn + 1, sIsn + 1);
        }
        return mix.onSegment(seg, mixNow);
    }

    @Benchmark
    public int establishedAck() {
        long r = nextRandom();
        TestSegments.set(
                seg,
                0,
                TestSegments.ipv4((int) r),
                1024 + (int) ((r >>> 32) & 0xEFFF),
                0,
                SERVER,
                443,
                TcpSegment.ACK | TcpSegment.PSH,
                (int) r,
                (int) (r >>> 32));
        return mix.onSegment(seg, mixNow);
    }
}
