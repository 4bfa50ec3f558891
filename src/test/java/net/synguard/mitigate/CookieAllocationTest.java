package net.synguard.mitigate;

import static net.synguard.mitigate.Flows.PERIOD_NS;
import static net.synguard.mitigate.Flows.ROTATION_NS;
import static net.synguard.mitigate.Flows.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** The codec runs for every SYN and every RST or ACK of a flood: it must not allocate. */
class CookieAllocationTest {
    private static final int ROUNDS = 1_000_000;

    @Test
    void encodeAndCheckAllocateNothing() {
        CookieKeys keys = CookieKeys.ephemeral(PERIOD_NS, ROTATION_NS);
        keys.maybeRotate(T0);
        keys.maybeRotate(T0 + ROTATION_NS); // two generations: both check paths run
        CookieCodec codec = new CookieCodec(keys);
        long start = keys.ring().switchAtNs() - PERIOD_NS / 2;
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

        long sink = run(codec, start, ROUNDS); // warm-up: let C2 compile the loop
        long before = threads.getCurrentThreadAllocatedBytes();
        sink += run(codec, start, ROUNDS);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(allocated)
                .as("bytes allocated by %d encodes and checks", ROUNDS)
                .isLessThan(1024);
        assertThat(sink).isPositive();
    }

    private static long run(CookieCodec codec, long start, int n) {
        long valid = 0;
        for (int i = 0; i < n; i++) {
            long src = Flows.MAPPED | (i * 0x9E3779B9L & 0xFFFF_FFFFL);
            long now = start + (i & 1023) * (PERIOD_NS / 1024);
            int cookie = codec.encode(0, src, 0, Flows.V4.sLo(), 1024 + (i & 0x7FFF), 443, i, 1460, now);
            if (codec.decodeMssIndex(
                            0, src, 0, Flows.V4.sLo(), 1024 + (i & 0x7FFF), 443, cookie, i, now + PERIOD_NS / 2)
                    == 3) {
                valid++;
            }
            codec.decodeMssIndex(0, src, 0, Flows.V4.sLo(), 1024 + (i & 0x7FFF), 443, ~cookie, i, now);
        }
        return valid;
    }
}
