package net.synguard.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.synguard.capture.LinkType;
import net.synguard.config.ConfigLoader;
import net.synguard.config.SynguardConfig;
import net.synguard.decode.Address;
import net.synguard.decode.FrameBuilder;
import net.synguard.decode.TcpSegment;
import net.synguard.mitigate.Mitigation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Holding frames back to prefetch their table lines must change nothing but speed: the same
 * frames, in the same order, through the same code. A differential property test drives two
 * pipelines with the same random traffic (floods from a few and from many sources, handshakes that
 * complete, RSTs, malformed and oversized frames, quiet gaps that end attacks), one processing each
 * frame at once and one holding frames back, with the source draining and the wire idling at
 * random points, and compares every event line and every counter.
 */
class PrefetchWindowTest {
    private static final long T0 = 1_700_000_000_000_000_000L;
    private static final byte[] SERVER = {(byte) 198, 18, 0, 1};
    private static final String CONFIG = "synguard {\n"
            + "  protect = [ { address = \"198.18.0.1\", ports = [ 80 ] } ]\n"
            + "  track.capacity = 4096\n"
            + "  pressure { sources = 1024, prefixes = 1024 }\n"
            + "  detect { destination { syn-rate = 200, half-open = 300, min-syns = 20 }, quiet-time = 2s }\n"
            + "}";

    @ParameterizedTest
    @ValueSource(ints = {2, 8, 32, 1024})
    void holdingFramesBackGivesTheSameEventsAndCounters(int depth) throws Exception {
        SynguardConfig cfg = ConfigLoader.parse(CONFIG, "prefetch.conf");
        for (long seed = 1; seed <= 12; seed++) {
            Run direct = new Run(cfg, 0, false);
            Run held = new Run(cfg, depth, false);
            drive(new SplittableRandom(seed), direct, held);
            assertThat(held.sink.lines).as("seed %d", seed).isEqualTo(direct.sink.lines);
            assertThat(held.counters()).as("seed %d", seed).isEqualTo(direct.counters());
            assertThat(direct.sink.lines)
                    .as("seed %d: the traffic starts an attack", seed)
                    .isNotEmpty();
        }
    }

    /** With a responder: the same SYNs answered, the same frames sent, in the same order. */
    @Test
    void theResponderAnswersTheSameSyns() throws Exception {
        SynguardConfig cfg = ConfigLoader.parse(
                CONFIG.replace("track.capacity", "mitigation.mode = \"always\"\n  track.capacity"), "prefetch.conf");
        for (long seed = 20; seed <= 25; seed++) {
            Run direct = new Run(cfg, 0, true);
            Run held = new Run(cfg, 16, true);
            drive(new SplittableRandom(seed), direct, held);
            assertThat(held.sentLengths).as("seed %d", seed).isEqualTo(direct.sentLengths);
            assertThat(direct.sentLengths)
                    .as("seed %d: SYN-ACKs were sent", seed)
                    .isNotEmpty();
            assertThat(held.counters()).as("seed %d", seed).isEqualTo(direct.counters());
        }
    }

    @Test
    void aHeldFrameWaitsForTheDrain() throws Exception {
        Pipeline p = new Pipeline(ConfigLoader.parse(CONFIG, "t.conf"), LinkType.ETHERNET, (e, j, s) -> {});
        p.holdBack(8);
        byte[] syn = FrameBuilder.syn().dst(SERVER).ports(40_000, 80).build();
        p.onFrame(syn, syn.length, T0);
        p.onFrame(syn, syn.length, T0 + 1000);
        assertThat(p.frames()).as("held, not processed").isZero();
        p.onDrained();
        assertThat(p.frames()).isEqualTo(2);
        assertThat(p.syns()).isEqualTo(2);

        // A full window processes itself; a frame too long to hold goes after the held ones.
        for (int i = 0; i < 8; i++) {
            p.onFrame(syn, syn.length, T0 + 2000 + i);
        }
        assertThat(p.frames()).isEqualTo(10);
        p.onFrame(syn, syn.length, T0 + 3000);
        byte[] big = FrameBuilder.syn()
                .dst(SERVER)
                .ports(40_000, 80)
                .flags(TcpSegment.ACK)
                .payload(1200)
                .build();
        p.onFrame(big, big.length, T0 + 4000);
        assertThat(p.frames()).isEqualTo(12);
        assertThat(p.clock().nowNs()).isEqualTo(T0 + 4000);

        p.onFrame(syn, syn.length, T0 + 5000);
        p.holdBack(0);
        assertThat(p.frames()).as("turning it off processes what it held").isEqualTo(13);
        assertThat(p.heldBackDepth()).isZero();
    }

    @Test
    void theDepthIsAPowerOfTwo() {
        Pipeline p = new Pipeline(ConfigLoader.defaults(), LinkType.ETHERNET, (e, j, s) -> {});
        assertThatThrownBy(() -> p.holdBack(12))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("power of two");
        assertThatThrownBy(() -> p.holdBack(1)).isInstanceOf(IllegalArgumentException.class);
    }

    /** One pipeline under test, its events and what its responder sent. */
    private static final class Run {
        final CollectingSink sink = new CollectingSink();
        final List<Integer> sentLengths = new ArrayList<>();
        final Pipeline pipeline;

        Run(SynguardConfig cfg, int depth, boolean responder) {
            Address target = Address.parse("198.18.0.1");
            pipeline = responder
                    ? new Pipeline(
                            cfg,
                            LinkType.ETHERNET,
                            sink,
                            j -> {},
                            Mitigation.detached(cfg, target.hi(), target.lo()),
                            (f, n) -> {
                                sentLengths.add(n);
                                return true;
                            })
                    : new Pipeline(cfg, LinkType.ETHERNET, sink);
            if (depth > 0) {
                pipeline.holdBack(depth);
            }
        }

        List<Long> counters() {
            Pipeline p = pipeline;
            var t = p.tracker();
            var x = p.pressure();
            return List.of(
                    p.frames(),
                    p.tcpSegments(),
                    p.syns(),
                    p.synAcks(),
                    p.unprotectedSyns(),
                    p.decodeCounters().malformedTotal(),
                    p.clock().nowNs(),
                    t.syns(),
                    t.synRetransmits(),
                    t.completed(),
                    t.refused(),
                    t.expired(),
                    t.evicted(),
                    t.replaced(),
                    t.rstUnmatched(),
                    (long) t.size(),
                    x.trackedSources(),
                    x.trackedPrefixes(),
                    x.completed(),
                    x.failed(),
                    x.sourceFirstSight().evictions(),
                    x.prefixFirstSight().promotions(),
                    (long) p.detector().activeAttacks());
        }
    }

    /** The same random traffic, frame by frame and drain by drain, into every run. */
    private static void drive(SplittableRandom r, Run... runs) {
        long now = T0;
        int frames = 4000 + r.nextInt(2000);
        int[] pool = new int[8];
        for (int i = 0; i < pool.length; i++) {
            pool[i] = 0xC613_0000 | r.nextInt(1 << 16); // 198.19.x.x
        }
        for (int i = 0; i < frames; i++) {
            int kind = r.nextInt(100);
            now += kind < 2 ? 1_000_000_000L + r.nextLong(4_000_000_000L) : r.nextLong(2_000_000);
            byte[] frame = frame(r, kind, pool);
            int length = r.nextInt(50) == 0 ? Math.max(1, frame.length - 1 - r.nextInt(frame.length)) : frame.length;
            for (Run run : runs) {
                run.pipeline.onFrame(frame.clone(), length, now);
            }
            int event = r.nextInt(100);
            for (Run run : runs) {
                if (event < 8) {
                    run.pipeline.onDrained();
                } else if (event == 8) {
                    run.pipeline.onIdle(now + 500_000_000L);
                }
            }
        }
        for (Run run : runs) {
            run.pipeline.finish();
        }
    }

    private static byte[] frame(SplittableRandom r, int kind, int[] pool) {
        int client = kind < 40 ? 0xC613_0000 | r.nextInt(1 << 16) : pool[r.nextInt(pool.length)];
        byte[] src = ipv4(client);
        int cPort = 1024 + r.nextInt(64);
        int isn = r.nextInt(1 << 12);
        byte[] server = r.nextInt(10) == 0 ? new byte[] {(byte) 198, 18, 0, 2} : SERVER;
        int k = r.nextInt(100);
        // Client to server: one builder, one frame (only one branch below runs).
        FrameBuilder up = FrameBuilder.syn().src(src).dst(server).ports(cPort, 80);
        if (k < 60) {
            return up.seq(isn).build();
        }
        if (k < 72) {
            return FrameBuilder.syn()
                    .src(server)
                    .dst(src)
                    .ports(80, cPort)
                    .seq(7_000)
                    .ack(isn + 1)
                    .flags(TcpSegment.SYN | TcpSegment.ACK)
                    .build();
        }
        if (k < 84) {
            return up.seq(isn + 1).ack(7_001).flags(TcpSegment.ACK).build();
        }
        if (k < 90) {
            return up.seq(isn + r.nextInt(2)).flags(TcpSegment.RST).build();
        }
        if (k < 95) {
            // Longer than a slot: processed after the frames held before it.
            return up.seq(isn + 1)
                    .ack(7_001)
                    .flags(TcpSegment.ACK | TcpSegment.PSH)
                    .payload(PrefetchWindow.SLOT_BYTES + r.nextInt(1000))
                    .build();
        }
        byte[] junk = new byte[14 + r.nextInt(80)];
        r.nextBytes(junk);
        return junk;
    }

    private static byte[] ipv4(int a) {
        return new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a};
    }
}
