package net.synguard.track;

import static net.synguard.track.HandshakeTrackerTest.T0;
import static net.synguard.track.HandshakeTrackerTest.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import net.synguard.decode.TcpSegment;
import net.synguard.decode.TestSegments;
import org.junit.jupiter.api.Test;

/** A full bucket gives up the way whose first SYN is oldest. */
class EvictionTest {
    static final long MS = 1_000_000;

    final RecordingListener events = new RecordingListener();
    final HandshakeTracker tracker = new HandshakeTracker(8, TIMEOUT, 3, events); // one bucket of 8

    @Test
    void fullBucketEvictsOldestFirstSyn() {
        for (int i = 0; i < 8; i++) {
            tracker.onSegment(Flow.v4(i, 40000).syn(i), T0 + i * MS);
        }
        // A retransmit refreshes lastNs, not firstNs: flow 0 is still the oldest.
        tracker.onSegment(Flow.v4(0, 40000).syn(0), T0 + 100 * MS);
        tracker.onSegment(Flow.v4(1, 40000).synAck(9, 2), T0 + 100 * MS);
        assertThat(tracker.size()).isEqualTo(8);

        assertThat(tracker.onSegment(Flow.v4(8, 40000).syn(8), T0 + 200 * MS)).isEqualTo(Outcome.SYN_NEW);

        assertThat(tracker.size()).isEqualTo(8);
        assertThat(tracker.evicted()).isEqualTo(1);
        assertThat(Flow.v4(0, 40000).stateIn(tracker)).isZero();
        assertThat(Flow.v4(8, 40000).stateIn(tracker)).isEqualTo(HandshakeState.SYN_SEEN);
        RecordingListener.Event closed = events.closures().getFirst();
        assertThat(closed.cLo()).isEqualTo(Flow.v4(0, 40000).cLo());
        assertThat(closed.closure()).isEqualTo(Closure.EVICTED);

        // Next to go is flow 1, whatever its state.
        tracker.onSegment(Flow.v4(9, 40000).syn(9), T0 + 300 * MS);
        assertThat(Flow.v4(1, 40000).stateIn(tracker)).isZero();
        RecordingListener.Event second = events.events.get(events.events.size() - 2); // then opened(9)
        assertThat(second.closure()).isEqualTo(Closure.EVICTED);
        assertThat(second.stateBefore()).isEqualTo(HandshakeState.SYN_ACK_SEEN);
        assertThat(tracker.halfOpen(HandshakeState.SYN_ACK_SEEN)).isZero();
    }

    @Test
    void oldestPastDeadlineIsExpiredNotEvicted() {
        for (int i = 0; i < 8; i++) {
            tracker.onSegment(Flow.v4(i, 40000).syn(i), T0 + i * MS);
        }
        tracker.onSegment(Flow.v4(8, 40000).syn(8), T0 + TIMEOUT);
        assertThat(tracker.expired()).isEqualTo(1);
        assertThat(tracker.evicted()).isZero();
        assertThat(tracker.size()).isEqualTo(8);
    }

    @Test
    void sameSeedSameEvictions() {
        assertThat(flood(11)).isEqualTo(flood(11));
        assertThat(flood(11)).isNotEqualTo(flood(12));
    }

    private static java.util.List<RecordingListener.Event> flood(long seed) {
        RecordingListener listener = new RecordingListener();
        HandshakeTracker t = new HandshakeTracker(64, TIMEOUT, seed, listener);
        SplittableRandom random = new SplittableRandom(5);
        TcpSegment seg = new TcpSegment();
        for (int i = 0; i < 2000; i++) {
            TestSegments.set(
                    seg,
                    0,
                    TestSegments.ipv4(random.nextInt()),
                    random.nextInt(1024, 65536),
                    0,
                    Flow.SERVER,
                    80,
                    TcpSegment.SYN,
                    random.nextInt(),
                    0);
            t.onSegment(seg, T0 + i * MS);
        }
        return listener.events;
    }
}
