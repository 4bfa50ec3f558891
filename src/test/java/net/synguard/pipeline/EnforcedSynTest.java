package net.synguard.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import net.synguard.capture.LinkType;
import net.synguard.config.ConfigLoader;
import net.synguard.config.SynguardConfig;
import net.synguard.decode.Address;
import net.synguard.decode.FrameBuilder;
import net.synguard.mitigate.Mitigation;
import org.junit.jupiter.api.Test;

/**
 * A SYN that the table drops never reaches the kernel's queue: the pipeline counts it (pressure,
 * detection) and the responder answers it, but the tracker does not hold it as half-open.
 */
class EnforcedSynTest {
    private static final long T0 = 1_700_000_000_000_000_000L;

    private static long[] feed(Pipeline p, int n) {
        byte[] frame = FrameBuilder.syn()
                .dst(new byte[] {(byte) 198, 18, 0, 1})
                .ports(40_000, 80)
                .build();
        long now = T0;
        for (int i = 0; i < n; i++) {
            frame[14 + 12] = (byte) 198;
            frame[14 + 13] = 19;
            frame[14 + 14] = (byte) (i >>> 8);
            frame[14 + 15] = (byte) i;
            p.onFrame(frame, frame.length, now += 100_000);
        }
        return new long[] {
            p.syns(),
            p.tracker().syns(),
            p.tracker().halfOpenFor(0, Address.parse("198.18.0.1").lo(), 80)
        };
    }

    @Test
    void droppedSynsAreCountedAndAnsweredButNotHalfOpen() throws Exception {
        SynguardConfig cfg = ConfigLoader.parse(
                "synguard { protect = [ { address = \"198.18.0.1\", ports = [ 80 ] } ], mitigation.mode = \"always\" }",
                "t.conf");
        long[] sent = new long[1];
        Address target = Address.parse("198.18.0.1");
        Pipeline enforced = new Pipeline(
                cfg,
                LinkType.ETHERNET,
                (e, j, s) -> {},
                j -> {},
                Mitigation.detached(cfg, target.hi(), target.lo()),
                (f, n) -> {
                    sent[0]++;
                    return true;
                });
        long[] e = feed(enforced, 1000);
        assertThat(e[0]).as("SYNs seen").isEqualTo(1000);
        assertThat(e[1]).as("SYNs the tracker took").isZero();
        assertThat(e[2]).as("half-open in the tracker").isZero();
        assertThat(sent[0]).as("each answered once").isEqualTo(1000);

        Pipeline watching = new Pipeline(cfg, LinkType.ETHERNET, (x, j, s) -> {});
        long[] w = feed(watching, 1000);
        assertThat(w[1]).isEqualTo(1000);
        assertThat(w[2]).isEqualTo(1000);
    }
}
