package net.synguard.track;

import static net.synguard.track.HandshakeTrackerTest.SEC;
import static net.synguard.track.HandshakeTrackerTest.T0;
import static net.synguard.track.HandshakeTrackerTest.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Expiry in packet time: the clock is advanced, never slept on. */
class ExpiryTest {
    final RecordingListener events = new RecordingListener();
    final Flow flow = Flow.v4(1, 40000);

    @Test
    void expiresExactlyAtTimeout() {
        HandshakeTracker tracker = new HandshakeTracker(8, TIMEOUT, 1, events); // one bucket
        tracker.advance(T0);
        tracker.onSegment(flow.syn(1), T0);
        tracker.onSegment(flow.synAck(2, 2), T0 + SEC);

        tracker.advance(T0 + TIMEOUT - SEC); // a whole sweep: not due yet
        tracker.advance(T0 + TIMEOUT - 1); // carries 1 s - 1 ns of sweep credit
        assertThat(tracker.size()).isEqualTo(1);

        tracker.advance(T0 + TIMEOUT); // the credit reaches one bucket exactly at the deadline

        assertThat(tracker.size()).isZero();
        assertThat(tracker.halfOpen(HandshakeState.SYN_ACK_SEEN)).isZero();
        assertThat(tracker.expired()).isEqualTo(1);
        assertThat(flow.portCountIn(tracker)).isZero();
        RecordingListener.Event closed = events.last();
        assertThat(closed.closure()).isEqualTo(Closure.EXPIRED);
        assertThat(closed.stateBefore()).isEqualTo(HandshakeState.SYN_ACK_SEEN);
        assertThat(closed.nowNs()).isEqualTo(T0 + TIMEOUT);
    }

    @Test
    void segmentFindingEntryPastDeadlineExpiresIt() {
        HandshakeTracker tracker = new HandshakeTracker(1024, TIMEOUT, 1, events);
        Flow late = Flow.v4(2, 40000);
        tracker.onSegment(flow.syn(1), T0);
        tracker.onSegment(late.syn(1), T0);

        assertThat(tracker.onSegment(flow.synAck(5, 2), T0 + TIMEOUT - 1)).isEqualTo(Outcome.SYN_ACK);
        assertThat(tracker.onSegment(late.synAck(5, 2), T0 + TIMEOUT)).isEqualTo(Outcome.SYN_ACK_UNSOLICITED);

        assertThat(tracker.expired()).isEqualTo(1);
        assertThat(late.stateIn(tracker)).isZero();
        assertThat(events.last().closure()).isEqualTo(Closure.EXPIRED);
        // The client trying again after the deadline starts a new entry, even with the old ISN.
        assertThat(tracker.onSegment(late.syn(1), T0 + TIMEOUT)).isEqualTo(Outcome.SYN_NEW);
    }

    @Test
    void ackAfterDeadlineDoesNotComplete() {
        HandshakeTracker tracker = new HandshakeTracker(1024, TIMEOUT, 1, events);
        tracker.onSegment(flow.syn(1), T0);
        tracker.onSegment(flow.synAck(5, 2), T0);
        assertThat(tracker.onSegment(flow.ack(2, 6), T0 + TIMEOUT)).isEqualTo(Outcome.NONE);
        assertThat(tracker.expired()).isEqualTo(1);
        assertThat(tracker.completed()).isZero();
    }

    @Test
    void sweepCoversWholeTableOncePerSecondOfPacketTime() {
        HandshakeTracker tracker = new HandshakeTracker(65536, TIMEOUT, 7, events);
        int flows = 20_000;
        for (int i = 0; i < flows; i++) {
            tracker.onSegment(Flow.v4(i & 0xFF, 1024 + (i >>> 8), 80).syn(i), T0);
        }
        // 20,000 flows over 8,192 buckets of 8: a few buckets overflow even at 30% load.
        assertThat(tracker.evicted()).isLessThan(50);
        int open = tracker.size();
        assertThat(open).isEqualTo(flows - tracker.evicted());
        tracker.advance(T0);
        tracker.advance(T0 + TIMEOUT - 1); // a whole sweep, nothing due; the cursor is back where it was
        assertThat(tracker.size()).isEqualTo(open);

        long now = T0 + TIMEOUT - 1;
        for (int ms = 1; ms <= 500; ms++) {
            tracker.advance(now += 1_000_000);
        }
        // Half a second swept half the buckets: about half the entries, deterministic for the seed.
        assertThat(tracker.expired()).isBetween(open * 4L / 10, open * 6L / 10);

        for (int ms = 501; ms <= 1000; ms++) {
            tracker.advance(now += 1_000_000);
        }
        assertThat(tracker.size()).isZero();
        assertThat(tracker.expired()).isEqualTo(open);
        assertThat(tracker.halfOpen(HandshakeState.SYN_SEEN)).isZero();
    }

    @Test
    void firstAdvanceOnlyRecordsTimeAndBackwardTimeDoesNothing() {
        HandshakeTracker tracker = new HandshakeTracker(8, TIMEOUT, 1, events);
        tracker.onSegment(flow.syn(1), T0);
        tracker.advance(T0 + 10 * TIMEOUT); // first call: no sweep
        assertThat(tracker.size()).isEqualTo(1);
        tracker.advance(T0); // backwards
        assertThat(tracker.size()).isEqualTo(1);
        tracker.advance(T0 + 10 * TIMEOUT + SEC);
        assertThat(tracker.size()).isZero();
    }

    @Test
    void manySecondJumpSweepsOnce() {
        HandshakeTracker tracker = new HandshakeTracker(8, TIMEOUT, 1, events);
        tracker.advance(T0);
        tracker.onSegment(flow.syn(1), T0);
        tracker.advance(T0 + 1000 * TIMEOUT);
        assertThat(tracker.expired()).isEqualTo(1);
        assertThat(events.last().nowNs()).isEqualTo(T0 + 1000 * TIMEOUT);
    }
}
