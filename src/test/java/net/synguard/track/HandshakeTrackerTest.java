package net.synguard.track;

import static net.synguard.decode.TcpSegment.ACK;
import static net.synguard.decode.TcpSegment.FIN;
import static net.synguard.decode.TcpSegment.PSH;
import static net.synguard.decode.TcpSegment.SYN;
import static net.synguard.track.HandshakeState.SYN_ACK_SEEN;
import static net.synguard.track.HandshakeState.SYN_SEEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.synguard.decode.TcpSegment;
import net.synguard.decode.TestSegments;
import org.junit.jupiter.api.Test;

/** One test per transition and per rejection of {@link HandshakeTracker}. */
class HandshakeTrackerTest {
    static final long T0 = 1_700_000_000_000_000_000L;
    static final long SEC = 1_000_000_000L;
    static final long TIMEOUT = HalfOpenTimeout.DEFAULT_NS;
    static final int C_ISN = 0xFFFF_FFFF; // +1 wraps to 0: checks modular arithmetic on the way
    static final int S_ISN = 0x1234_5678;

    final RecordingListener events = new RecordingListener();
    final HandshakeTracker tracker = new HandshakeTracker(1024, TIMEOUT, 42, events);
    final Flow flow = Flow.v4(1, 40000);

    int apply(TcpSegment seg) {
        return tracker.onSegment(seg, T0);
    }

    void openHalfway() {
        assertThat(apply(flow.syn(C_ISN))).isEqualTo(Outcome.SYN_NEW);
        assertThat(apply(flow.synAck(S_ISN, C_ISN + 1))).isEqualTo(Outcome.SYN_ACK);
    }

    @Test
    void synOpensEntry() {
        assertThat(tracker.onSegment(flow.syn(C_ISN), T0)).isEqualTo(Outcome.SYN_NEW);

        assertThat(flow.stateIn(tracker)).isEqualTo(SYN_SEEN);
        assertThat(tracker.size()).isEqualTo(1);
        assertThat(tracker.halfOpen()).isEqualTo(1);
        assertThat(tracker.halfOpen(SYN_SEEN)).isEqualTo(1);
        assertThat(tracker.halfOpen(SYN_ACK_SEEN)).isZero();
        assertThat(tracker.syns()).isEqualTo(1);
        assertThat(flow.portCountIn(tracker)).isEqualTo(1);
        assertThat(events.events)
                .containsExactly(new RecordingListener.Event(true, flow.cLo(), flow.sLo(), 40000, 80, 0, 0, T0));
    }

    @Test
    void synWithSameIsnIsRetransmit() {
        apply(flow.syn(C_ISN));
        assertThat(tracker.onSegment(flow.syn(C_ISN), T0 + SEC)).isEqualTo(Outcome.SYN_RETRANSMIT);
        assertThat(tracker.onSegment(flow.syn(C_ISN), T0 + 3 * SEC)).isEqualTo(Outcome.SYN_RETRANSMIT);

        assertThat(tracker.synRetransmits()).isEqualTo(2);
        assertThat(tracker.syns()).isEqualTo(1);
        assertThat(tracker.size()).isEqualTo(1);
        assertThat(events.opened).isEqualTo(1);
        assertThat(events.closed).isZero();
    }

    @Test
    void synRetransmitKeepsDeadline() {
        apply(flow.syn(C_ISN));
        tracker.onSegment(flow.syn(C_ISN), T0 + TIMEOUT - 1);

        tracker.advance(T0);
        tracker.advance(T0 + TIMEOUT);

        assertThat(tracker.size()).isZero();
        assertThat(events.last().closure()).isEqualTo(Closure.EXPIRED);
    }

    @Test
    void synWithNewIsnReplacesEntry() {
        openHalfway();
        assertThat(tracker.onSegment(flow.syn(7), T0 + SEC)).isEqualTo(Outcome.SYN_NEW);

        assertThat(tracker.replaced()).isEqualTo(1);
        assertThat(tracker.syns()).isEqualTo(2);
        assertThat(tracker.size()).isEqualTo(1);
        assertThat(flow.stateIn(tracker)).isEqualTo(SYN_SEEN);
        assertThat(tracker.halfOpen(SYN_ACK_SEEN)).isZero();
        assertThat(flow.portCountIn(tracker)).isEqualTo(1);
        RecordingListener.Event closed = events.events.get(1);
        assertThat(closed.closure()).isEqualTo(Closure.REPLACED);
        assertThat(closed.stateBefore()).isEqualTo(SYN_ACK_SEEN);
        assertThat(events.last().open()).isTrue();
        // The new attempt is acknowledged against its own ISN.
        assertThat(apply(flow.synAck(S_ISN, C_ISN + 1))).isEqualTo(Outcome.SYN_ACK_UNSOLICITED);
        assertThat(apply(flow.synAck(S_ISN, 8))).isEqualTo(Outcome.SYN_ACK);
    }

    @Test
    void synWithFinOpensNothing() {
        assertThat(apply(flow.c2s(SYN | FIN, C_ISN, 0))).isEqualTo(Outcome.NONE);
        assertThat(tracker.synsInvalid()).isEqualTo(1);
        assertThat(tracker.size()).isZero();
    }

    @Test
    void synAckMovesToSynAckSeen() {
        apply(flow.syn(C_ISN));
        assertThat(apply(flow.synAck(S_ISN, C_ISN + 1))).isEqualTo(Outcome.SYN_ACK);

        assertThat(flow.stateIn(tracker)).isEqualTo(SYN_ACK_SEEN);
        assertThat(tracker.halfOpen(SYN_SEEN)).isZero();
        assertThat(tracker.halfOpen(SYN_ACK_SEEN)).isEqualTo(1);
        assertThat(tracker.synAcks()).isEqualTo(1);
        assertThat(flow.portCountIn(tracker)).isEqualTo(1);
    }

    @Test
    void synAckWithWrongAckIsUnsolicited() {
        apply(flow.syn(C_ISN));
        assertThat(apply(flow.synAck(S_ISN, C_ISN))).isEqualTo(Outcome.SYN_ACK_UNSOLICITED);

        assertThat(flow.stateIn(tracker)).isEqualTo(SYN_SEEN);
        assertThat(tracker.synAcksUnsolicited()).isEqualTo(1);
        assertThat(tracker.synAcks()).isZero();
    }

    @Test
    void synAckWithoutSynIsUnsolicitedAndOpensNothing() {
        assertThat(apply(flow.synAck(S_ISN, C_ISN + 1))).isEqualTo(Outcome.SYN_ACK_UNSOLICITED);
        // A SYN-ACK on the client's side of the tuple is not a SYN from the server either.
        assertThat(apply(flow.c2s(SYN | ACK, S_ISN, 1))).isEqualTo(Outcome.SYN_ACK_UNSOLICITED);

        assertThat(tracker.size()).isZero();
        assertThat(tracker.synAcksUnsolicited()).isEqualTo(2);
        assertThat(events.events).isEmpty();
    }

    @Test
    void synAckWithSameIsnIsRetransmit() {
        openHalfway();
        assertThat(apply(flow.synAck(S_ISN, C_ISN + 1))).isEqualTo(Outcome.SYN_ACK_RETRANSMIT);
        assertThat(tracker.synAckRetransmits()).isEqualTo(1);
        assertThat(tracker.synAcks()).isEqualTo(1);
    }

    @Test
    void synAckWithOtherIsnAfterFirstIsUnsolicitedAndFirstStillCounts() {
        openHalfway();
        assertThat(apply(flow.synAck(S_ISN + 100, C_ISN + 1))).isEqualTo(Outcome.SYN_ACK_UNSOLICITED);
        assertThat(apply(flow.ack(C_ISN + 1, S_ISN + 101))).isEqualTo(Outcome.NONE);
        assertThat(apply(flow.ack(C_ISN + 1, S_ISN + 1))).isEqualTo(Outcome.COMPLETED);
    }

    @Test
    void ackOfSynAckCompletes() {
        openHalfway();
        assertThat(apply(flow.ack(C_ISN + 1, S_ISN + 1))).isEqualTo(Outcome.COMPLETED);

        assertThat(tracker.completed()).isEqualTo(1);
        assertThat(tracker.size()).isZero();
        assertThat(tracker.halfOpen(SYN_ACK_SEEN)).isZero();
        assertThat(flow.portCountIn(tracker)).isZero();
        assertThat(flow.stateIn(tracker)).isZero();
        assertThat(events.last().closure()).isEqualTo(Closure.COMPLETED);
        assertThat(events.last().stateBefore()).isEqualTo(SYN_ACK_SEEN);
        // Later segments of the connection match nothing.
        assertThat(apply(flow.ack(C_ISN + 1, S_ISN + 1))).isEqualTo(Outcome.NONE);
    }

    @Test
    void dataOrFinAcknowledgingSynAckCompletes() {
        openHalfway();
        assertThat(apply(flow.c2s(PSH | ACK, C_ISN + 1, S_ISN + 1))).isEqualTo(Outcome.COMPLETED);
        Flow other = Flow.v4(2, 40000);
        tracker.onSegment(other.syn(5), T0);
        tracker.onSegment(other.synAck(9, 6), T0);
        assertThat(apply(other.c2s(FIN | ACK, 6, 10))).isEqualTo(Outcome.COMPLETED);
    }

    @Test
    void ackWithWrongNumberDoesNotComplete() {
        openHalfway();
        assertThat(apply(flow.ack(C_ISN + 1, S_ISN))).isEqualTo(Outcome.NONE);
        assertThat(flow.stateIn(tracker)).isEqualTo(SYN_ACK_SEEN);
        assertThat(tracker.completed()).isZero();
    }

    @Test
    void ackWithoutSynAckDoesNotComplete() {
        apply(flow.syn(C_ISN));
        assertThat(apply(flow.ack(C_ISN + 1, S_ISN + 1))).isEqualTo(Outcome.NONE);

        assertThat(flow.stateIn(tracker)).isEqualTo(SYN_SEEN);
        assertThat(tracker.acksWithoutSynAck()).isEqualTo(1);
        assertThat(tracker.completed()).isZero();
    }

    @Test
    void ackFromServerSideDoesNotComplete() {
        openHalfway();
        assertThat(apply(flow.s2c(ACK, S_ISN + 1, C_ISN + 1))).isEqualTo(Outcome.NONE);
        assertThat(flow.stateIn(tracker)).isEqualTo(SYN_ACK_SEEN);
    }

    @Test
    void serverRstAckToSynIsRefused() {
        apply(flow.syn(C_ISN));
        // RFC 9293 3.10.7.1: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>
        assertThat(apply(flow.serverRst(ACK, 0, C_ISN + 1))).isEqualTo(Outcome.REFUSED);

        assertThat(tracker.refused()).isEqualTo(1);
        assertThat(tracker.size()).isZero();
        assertThat(flow.portCountIn(tracker)).isZero();
        assertThat(events.last().closure()).isEqualTo(Closure.REFUSED);
        assertThat(events.last().stateBefore()).isEqualTo(SYN_SEEN);
    }

    @Test
    void serverRstAfterSynAckWithNextSeqIsRefused() {
        openHalfway();
        assertThat(apply(flow.serverRst(0, S_ISN + 1, 0))).isEqualTo(Outcome.REFUSED);
        assertThat(events.last().stateBefore()).isEqualTo(SYN_ACK_SEEN);
    }

    @Test
    void serverRstWithWrongNumbersIsIgnored() {
        openHalfway();
        assertThat(apply(flow.serverRst(ACK, S_ISN + 2, C_ISN + 2))).isEqualTo(Outcome.NONE);
        assertThat(apply(flow.serverRst(0, S_ISN, 0))).isEqualTo(Outcome.NONE);

        assertThat(flow.stateIn(tracker)).isEqualTo(SYN_ACK_SEEN);
        assertThat(tracker.rstUnmatched()).isEqualTo(2);
        assertThat(tracker.refused()).isZero();
    }

    @Test
    void serverRstWithoutAckOnSynSeenIsIgnored() {
        apply(flow.syn(C_ISN));
        // Without ACK the acknowledgment field means nothing, even if it happens to match.
        assertThat(apply(flow.serverRst(0, 0, C_ISN + 1))).isEqualTo(Outcome.NONE);
        assertThat(tracker.size()).isEqualTo(1);
    }

    @Test
    void clientRstWithNextSeqIsAborted() {
        openHalfway();
        assertThat(apply(flow.clientRst(0, C_ISN + 1, 0))).isEqualTo(Outcome.ABORTED);

        assertThat(tracker.aborted()).isEqualTo(1);
        assertThat(tracker.size()).isZero();
        assertThat(events.last().closure()).isEqualTo(Closure.ABORTED);
    }

    @Test
    void clientRstAckingSynAckIsAborted() {
        openHalfway();
        assertThat(apply(flow.clientRst(ACK, 12345, S_ISN + 1))).isEqualTo(Outcome.ABORTED);
    }

    @Test
    void clientRstAckWithoutSynAckSeenNeedsSeq() {
        apply(flow.syn(C_ISN));
        assertThat(apply(flow.clientRst(ACK, 12345, S_ISN + 1))).isEqualTo(Outcome.NONE);
        assertThat(tracker.size()).isEqualTo(1);
    }

    @Test
    void spoofedRstWithBadSeqDoesNotCloseHalfOpenEntry() {
        openHalfway();
        assertThat(apply(flow.clientRst(0, C_ISN + 2, 0))).isEqualTo(Outcome.NONE);
        assertThat(apply(flow.clientRst(ACK, C_ISN, S_ISN + 2))).isEqualTo(Outcome.NONE);

        assertThat(tracker.size()).isEqualTo(1);
        assertThat(tracker.rstUnmatched()).isEqualTo(2);
        assertThat(tracker.aborted()).isZero();
        assertThat(events.closures()).isEmpty();
    }

    @Test
    void rstWithoutEntryIsUnmatched() {
        assertThat(apply(flow.clientRst(ACK, 1, 1))).isEqualTo(Outcome.NONE);
        assertThat(tracker.rstUnmatched()).isEqualTo(1);
    }

    @Test
    void clientFinWithNextSeqIsAborted() {
        apply(flow.syn(C_ISN));
        assertThat(apply(flow.c2s(FIN, C_ISN + 5, 0))).isEqualTo(Outcome.NONE);
        assertThat(apply(flow.c2s(FIN, C_ISN + 1, 0))).isEqualTo(Outcome.ABORTED);
        assertThat(tracker.aborted()).isEqualTo(1);
        assertThat(tracker.size()).isZero();
    }

    @Test
    void segmentsMatchingNothingAreNone() {
        apply(flow.syn(C_ISN));
        Flow stranger = Flow.v4(9, 50000);
        assertThat(apply(stranger.ack(1, 1))).isEqualTo(Outcome.NONE);
        assertThat(apply(stranger.c2s(FIN | ACK, 1, 1))).isEqualTo(Outcome.NONE);
        assertThat(apply(flow.c2s(0, 0, 0))).isEqualTo(Outcome.NONE);
        assertThat(apply(flow.c2s(PSH, C_ISN + 1, 0))).isEqualTo(Outcome.NONE);
        assertThat(tracker.size()).isEqualTo(1);
        assertThat(tracker.rstUnmatched()).isZero();
    }

    @Test
    void ipv6AndIpv4FlowsAreDistinct() {
        long v6Hi = 0x2001_0DB8_0000_0000L;
        Flow v6 = new Flow(v6Hi, 1, 40000, v6Hi, 0x10, 80);
        Flow v4 = new Flow(0, TestSegments.ipv4(0, 0, 0, 1), 40000, 0, TestSegments.ipv4(0, 0, 0, 0x10), 80);
        tracker.onSegment(v6.syn(1), T0);
        tracker.onSegment(v4.syn(1), T0);
        assertThat(tracker.size()).isEqualTo(2);
        assertThat(tracker.onSegment(v6.synAck(3, 2), T0)).isEqualTo(Outcome.SYN_ACK);
        assertThat(tracker.onSegment(v6.ack(2, 4), T0)).isEqualTo(Outcome.COMPLETED);
        assertThat(v4.stateIn(tracker)).isEqualTo(SYN_SEEN);
    }

    @Test
    void validatesConstruction() {
        HandshakeListener l = HandshakeListener.ignoring();
        assertThatThrownBy(() -> new HandshakeTracker(0, TIMEOUT, 1, l))
                .hasMessage("half-open capacity: 0 (expected: 1..67108864)");
        assertThatThrownBy(() -> new HandshakeTracker(8, 0, 1, l))
                .hasMessage("half-open timeout: 0 ns (expected: > 0)");
        assertThatThrownBy(() -> new HandshakeTracker(8, TIMEOUT, 1, null)).hasMessageStartingWith("listener: null");
        assertThatThrownBy(() -> new HandshakeTracker(8, 0, TIMEOUT, 1, l))
                .hasMessage("port-count capacity: 0 (expected: 1..67108864)");
        assertThatThrownBy(() -> tracker.halfOpen(3)).hasMessageStartingWith("handshake state: 3");
    }

    @Test
    void capacityRoundsUpToWholePowerOfTwoBuckets() {
        HandshakeListener l = HandshakeListener.ignoring();
        assertThat(new HandshakeTracker(1, TIMEOUT, 1, l).capacity()).isEqualTo(8);
        assertThat(new HandshakeTracker(8, TIMEOUT, 1, l).capacity()).isEqualTo(8);
        assertThat(new HandshakeTracker(100, TIMEOUT, 1, l).capacity()).isEqualTo(128);
        assertThat(new HandshakeTracker(65536, TIMEOUT, 1, l).capacity()).isEqualTo(65536);
        assertThat(new HandshakeTracker(65536, TIMEOUT, 1, l).portCapacity()).isEqualTo(16384);
        assertThat(new HandshakeTracker(100, TIMEOUT, 1, l).portCapacity()).isEqualTo(1024);
    }

    @Test
    void namesAreSnakeCase() {
        assertThat(Outcome.name(Outcome.SYN_ACK_UNSOLICITED)).isEqualTo("syn_ack_unsolicited");
        assertThat(Outcome.name(Outcome.NONE)).isEqualTo("none");
        assertThat(Closure.name(Closure.EVICTED)).isEqualTo("evicted");
        assertThat(HandshakeState.name(SYN_ACK_SEEN)).isEqualTo("syn_ack_seen");
        assertThat(HandshakeState.name(9)).isEqualTo("unknown(9)");
    }
}
