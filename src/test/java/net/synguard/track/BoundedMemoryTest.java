package net.synguard.track;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import net.synguard.decode.TcpSegment;
import net.synguard.decode.TestSegments;
import org.junit.jupiter.api.Test;

/**
 * Ten million SYNs from random sources (all of IPv4, and 2001:db8::/32) into a table of 65,536:
 * the table stays within its capacity, every SYN beyond it cost one eviction, and the tracker
 * allocates nothing per segment.
 */
class BoundedMemoryTest {
    static final long T0 = HandshakeTrackerTest.T0;
    static final long SERVER_V6_HI = 0x2001_0DB8_FFFF_0000L;

    @Test
    void tenMillionSpoofedSynsStayBoundedAndAllocateNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertThat(threads.isThreadAllocatedMemorySupported()).isTrue();
        threads.setThreadAllocatedMemoryEnabled(true);

        CountingListener listener = new CountingListener();
        HandshakeTracker tracker = new HandshakeTracker(65536, HalfOpenTimeout.DEFAULT_NS, 0x5EED, listener);
        SplittableRandom random = new SplittableRandom(2025);
        TcpSegment seg = new TcpSegment();
        // 1 µs apart: 11 s of packet time, well inside the 63 s timeout, so nothing expires.
        long now = flood(tracker, random, seg, T0, 1_000_000);

        long before = threads.getCurrentThreadAllocatedBytes();
        now = flood(tracker, random, seg, now, 10_000_000);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(allocated).as("bytes allocated over 10M SYNs").isLessThan(64 * 1024);
        assertThat(tracker.syns()).isEqualTo(11_000_000);
        assertThat(tracker.size()).isLessThanOrEqualTo(tracker.capacity()).isEqualTo(65536);
        assertThat(tracker.expired()).isZero();
        assertThat(tracker.evicted() + tracker.replaced()).isEqualTo(tracker.syns() - tracker.size());
        assertThat(tracker.replaced()).isLessThan(10); // a repeated random 4-tuple is rare
        assertThat(listener.opened.get() - listener.closed.get()).isEqualTo(tracker.size());
        assertThat(tracker.halfOpenFor(0, Flow.SERVER, 443) + tracker.halfOpenFor(SERVER_V6_HI, 1, 443))
                .isEqualTo(tracker.halfOpen());
        assertThat(tracker.portCountOverflow()).isZero();
        assertThat(now).isGreaterThan(T0);
    }

    private static long flood(HandshakeTracker tracker, SplittableRandom random, TcpSegment seg, long now, int syns) {
        for (int i = 0; i < syns; i++) {
            now += 1000;
            int port = random.nextInt(1024, 65536);
            if (random.nextBoolean()) {
                TestSegments.set(
                        seg,
                        0,
                        TestSegments.ipv4(random.nextInt()),
                        port,
                        0,
                        Flow.SERVER,
                        443,
                        TcpSegment.SYN,
                        random.nextInt(),
                        0);
            } else {
                long hi = 0x2001_0DB8_0000_0000L | (random.nextLong() >>> 32);
                TestSegments.set(
                        seg, hi, random.nextLong(), port, SERVER_V6_HI, 1, 443, TcpSegment.SYN, random.nextInt(), 0);
            }
            tracker.onSegment(seg, now);
            if ((i & 1023) == 0) {
                tracker.advance(now);
            }
        }
        return now;
    }

    /** Counts without allocating (AtomicLong: the test reads it on the same thread). */
    static final class CountingListener implements HandshakeListener {
        final AtomicLong opened = new AtomicLong();
        final AtomicLong closed = new AtomicLong();

        @Override
        public int opened(long cHi, long cLo, long sHi, long sLo, int cPort, int sPort, long nowNs) {
            opened.incrementAndGet();
            return 0;
        }

        @Override
        public void closed(
                long cHi,
                long cLo,
                long sHi,
                long sLo,
                int cPort,
                int sPort,
                int stateBefore,
                int closure,
                int mark,
                long nowNs) {
            closed.incrementAndGet();
        }
    }
}
