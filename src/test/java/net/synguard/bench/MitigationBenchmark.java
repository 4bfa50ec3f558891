package net.synguard.bench;

import java.util.concurrent.TimeUnit;
import net.synguard.capture.LinkType;
import net.synguard.config.ConfigLoader;
import net.synguard.config.SynguardConfig;
import net.synguard.decode.Address;
import net.synguard.decode.FrameBuilder;
import net.synguard.mitigate.Mitigation;
import net.synguard.pipeline.Pipeline;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The per-SYN cost of mitigation, against the same path without it, for the lab's flood shape:
 * spoofed SYNs cycling through 198.19.0.0/16 (65,536 sources that repeat, so after their first
 * four challenges they are backed off, and every source has a pressure entry). {@code detectOnly}:
 * the daemon's pipeline with mode off; {@code withResponder}: the same with a responder answering
 * for 198.18.0.1 (a detached mitigation: in-memory keys, no nft; the answers go to a sender that
 * counts them). The ratio of the two is the figure to compare across machines. Run with {@code
 * tests/bench/jmh.sh Mitigation}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MitigationBenchmark {
    private static final byte[] SERVER = {(byte) 198, 18, 0, 1};
    private static final int IPV4_SRC = 14 + 12;

    private Pipeline detectOnly;
    private Pipeline withResponder;
    private byte[] frame;
    private long nowNs;
    private int next;
    private long sent;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        SynguardConfig cfg = ConfigLoader.parse(
                "synguard { protect = [ { address = \"198.18.0.1\", ports = [ 80 ] } ],"
                        + " mitigation { mode = \"always\" } }",
                "bench.conf");
        detectOnly = new Pipeline(cfg, LinkType.ETHERNET, (e, j, s) -> {});
        Address target = Address.parse("198.18.0.1");
        Mitigation m = Mitigation.detached(cfg, target.hi(), target.lo());
        withResponder = new Pipeline(cfg, LinkType.ETHERNET, (e, j, s) -> {}, j -> {}, m, (f, n) -> {
            sent += n;
            return true;
        });
        frame = FrameBuilder.syn().dst(SERVER).ports(40_000, 80).build();
        frame[IPV4_SRC] = (byte) 198;
        frame[IPV4_SRC + 1] = 19;
        nowNs = System.currentTimeMillis() * 1_000_000L;
    }

    private byte[] nextSyn() {
        int i = next++;
        frame[IPV4_SRC + 2] = (byte) (i >>> 8);
        frame[IPV4_SRC + 3] = (byte) i;
        nowNs += 2_500; // 400k SYN/s
        return frame;
    }

    @Benchmark
    public long detectOnly() {
        detectOnly.onFrame(nextSyn(), frame.length, nowNs);
        return nowNs;
    }

    @Benchmark
    public long withResponder() {
        withResponder.onFrame(nextSyn(), frame.length, nowNs);
        return sent;
    }
}
