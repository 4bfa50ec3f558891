package net.synguard.bench;

import java.util.concurrent.TimeUnit;
import net.synguard.capture.LinkType;
import net.synguard.config.ConfigLoader;
import net.synguard.decode.FrameBuilder;
import net.synguard.decode.TcpSegment;
import net.synguard.pipeline.Pipeline;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The whole per-packet path after the capture adapter (decode, track, pressure, detect) with the
 * shipped defaults. {@code spoofedFlood}: every SYN from a new IPv4 source, one frame re-stamped in
 * place, as a capture engine reusing its buffer would hand it over; the table fills and evicts, an
 * attack is active after the first window. {@code handshakes}: complete SYN, SYN-ACK, ACK exchanges
 * from 64 repeating clients. Run with {@code tests/bench/jmh.sh Pipeline}; -prof gc shows what a
 * packet allocates.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PipelineBenchmark {
    private static final byte[] SERVER = {(byte) 198, 18, 0, 1};
    /** Offset of the IPv4 source address in an untagged Ethernet frame. */
    private static final int IPV4_SRC = 14 + 12;

    /** Frames the flood's pipeline holds back to prefetch their lines (0: none), as the daemon does. */
    @Param({"0", "32"})
    public int prefetchDepth;

    private Pipeline flood;
    private byte[] synFrame;
    private long floodNs;
    private long nextSource;

    private Pipeline mix;
    private byte[][] exchange;
    private long mixNs;
    private int nextFrame;

    @Setup(Level.Trial)
    public void setUp() {
        flood = new Pipeline(ConfigLoader.defaults(), LinkType.ETHERNET, (event, line, summary) -> {});
        flood.holdBack(prefetchDepth);
        synFrame = FrameBuilder.syn().dst(SERVER).ports(40_000, 80).build();
        floodNs = 1_700_000_000_000_000_000L;

        mix = new Pipeline(ConfigLoader.defaults(), LinkType.ETHERNET, (event, line, summary) -> {});
        int flows = 1024;
        exchange = new byte[flows * 3][];
        for (int f = 0; f < flows; f++) {
            byte[] client = {(byte) 198, 18, 1, (byte) (f % 64)};
            int cPort = 20_000 + f;
            int isn = 1000 * f;
            int serverIsn = 7_000_000 + f;
            exchange[3 * f] = FrameBuilder.syn()
                    .src(client)
                    .dst(SERVER)
                    .ports(cPort, 80)
                    .seq(isn)
                    .build();
            exchange[3 * f + 1] = FrameBuilder.syn()
                    .src(SERVER)
                    .dst(client)
                    .ports(80, cPort)
                    .seq(serverIsn)
                    .ack(isn + 1)
                    .flags(TcpSegment.SYN | TcpSegment.ACK)
                    .build();
            exchange[3 * f + 2] = FrameBuilder.syn()
                    .src(client)
                    .dst(SERVER)
                    .ports(cPort, 80)
                    .seq(isn + 1)
                    .ack(serverIsn + 1)
                    .flags(TcpSegment.ACK)
                    .build();
        }
        mixNs = floodNs;
    }

    @Benchmark
    public void spoofedFlood() {
        // A Weyl sequence through the IPv4 space: a new source every SYN, no table to keep.
        int src = (int) (nextSource++ * 0x9E3779B9L);
        synFrame[IPV4_SRC] = (byte) (src >>> 24);
        synFrame[IPV4_SRC + 1] = (byte) (src >>> 16);
        synFrame[IPV4_SRC + 2] = (byte) (src >>> 8);
        synFrame[IPV4_SRC + 3] = (byte) src;
        floodNs += 1000; // 1 M SYN/s
        flood.onFrame(synFrame, synFrame.length, floodNs);
    }

    @Benchmark
    public void handshakes() {
        byte[] frame = exchange[nextFrame];
        nextFrame = nextFrame + 1 == exchange.length ? 0 : nextFrame + 1;
        mixNs += 10_000; // 100 k packets/s
        mix.onFrame(frame, frame.length, mixNs);
    }
}
