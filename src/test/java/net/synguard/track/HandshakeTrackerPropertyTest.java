package net.synguard.track;

import static net.synguard.decode.TcpSegment.ACK;
import static net.synguard.decode.TcpSegment.FIN;
import static net.synguard.decode.TcpSegment.PSH;
import static net.synguard.decode.TcpSegment.RST;
import static net.synguard.decode.TcpSegment.SYN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import net.synguard.decode.TcpSegment;
import net.synguard.decode.TestSegments;
import org.junit.jupiter.api.Test;

/**
 * Random segment sequences over a few flows, small ISNs so that numbers match often, and time
 * steps around the timeout. Each int of the list is one segment (see {@link Op}).
 */
class HandshakeTrackerPropertyTest {
    static final long T0 = HandshakeTrackerTest.T0;
    static final long TIMEOUT = 30_000_000_000L;
    static final long V6 = 0x2001_0DB8_0000_0000L;
    static final long[][] CLIENTS = {
        {0, TestSegments.ipv4(192, 0, 2, 1)}, {0, TestSegments.ipv4(192, 0, 2, 2)}, {V6, 1}, {V6, 2},
    };
    static final long[][] SERVERS = {{0, TestSegments.ipv4(198, 51, 100, 10)}, {V6 | 0xFFFF, 10}};
    static final int[] PORTS = {80, 443};

    /** One segment decoded from an int: kind, flow, direction, numbers and the time step before it. */
    record Op(int kind, int flow, int dir, int seq, int ack, long dtNs) {
        static Op of(int op) {
            long unit = ((op >>> 20) & 1) == 0 ? 1_000_000L : 100_000_000L;
            return new Op(
                    op & 7,
                    (op >>> 3) & 15,
                    (op >>> 7) & 1,
                    (op >>> 8) & 3,
                    (op >>> 10) & 3,
                    ((op >>> 12) & 0xFF) * unit);
        }

        int flags(int op) {
            return switch (kind) {
                case 0 -> ((op >>> 21) & 1) == 0 ? SYN : SYN | FIN;
                case 1 -> SYN | ACK;
                case 2 -> ACK;
                case 3 -> ((op >>> 21) & 1) == 0 ? RST : RST | SYN;
                case 4 -> RST | ACK;
                case 5 -> ((op >>> 21) & 1) == 0 ? FIN : FIN | ACK;
                case 6 -> 0; // only time passes
                default -> PSH | ACK;
            };
        }

        /** dir 0: from the flow's client to its server. */
        TcpSegment segment(TcpSegment s, int flags) {
            long[] c = CLIENTS[flow & 3], srv = SERVERS[(flow >>> 2) & 1];
            int cPort = 40000 + (flow & 1), sPort = PORTS[flow >>> 3];
            return dir == 0
                    ? TestSegments.set(s, c[0], c[1], cPort, srv[0], srv[1], sPort, flags, seq, ack)
                    : TestSegments.set(s, srv[0], srv[1], sPort, c[0], c[1], cPort, flags, seq, ack);
        }
    }

    @Test
    void invariantsHoldForAnySequence() {
        qt().withFixedSeed(20250601L)
                .withExamples(2000)
                .forAll(
                        lists().of(integers().all()).ofSizeBetween(1, 300),
                        integers().between(0, 3))
                .checkAssert((ops, config) -> runInvariants(ops, config));
    }

    private static void runInvariants(List<Integer> ops, int config) {
        int capacity = config < 2 ? 8 : 1024; // one bucket: eviction all the time
        int portCapacity = (config & 1) == 0 ? 1024 : 2; // 2: per-port overflow all the time
        RecordingListener listener = new RecordingListener(false);
        HandshakeTracker t = new HandshakeTracker(capacity, portCapacity, TIMEOUT, 17, listener);
        TcpSegment seg = new TcpSegment();
        long now = T0;
        for (int raw : ops) {
            Op op = Op.of(raw);
            now += op.dtNs();
            t.advance(now);
            int flags = op.flags(raw);
            if (flags != 0) {
                t.onSegment(op.segment(seg, flags), now);
            }
            assertInvariants(t, listener);
        }
        now += TIMEOUT;
        t.advance(now);
        t.advance(now + 1);
        assertThat(t.size()).isZero();
        assertInvariants(t, listener);
    }

    static void assertInvariants(HandshakeTracker t, RecordingListener listener) {
        assertThat(t.size()).isLessThanOrEqualTo(t.capacity());
        assertThat(t.halfOpen()).isEqualTo(t.size());
        assertThat(t.halfOpen(HandshakeState.SYN_SEEN) + t.halfOpen(HandshakeState.SYN_ACK_SEEN))
                .isEqualTo(t.halfOpen());
        AtomicLong perPort = new AtomicLong();
        t.forEachPort((sHi, sLo, sPort, n) -> {
            assertThat(n).isPositive();
            perPort.addAndGet(n);
        });
        if (t.portCountOverflow() == 0) {
            assertThat(perPort.get()).isEqualTo(t.halfOpen());
        } else {
            assertThat(perPort.get()).isLessThanOrEqualTo(t.halfOpen());
        }
        assertThat(listener.opened - listener.closed).isEqualTo(t.size());
        assertThat(listener.opened).isEqualTo(t.syns());
        long closed = t.completed() + t.refused() + t.aborted() + t.expired() + t.evicted() + t.replaced();
        assertThat(closed).isEqualTo(listener.closed);
    }

    @Test
    void outcomesMatchReferenceModel() {
        qt().withFixedSeed(20250602L)
                .withExamples(2000)
                .forAll(lists().of(integers().all()).ofSizeBetween(1, 300))
                .checkAssert(HandshakeTrackerPropertyTest::runAgainstModel);
    }

    private static void runAgainstModel(List<Integer> ops) {
        HandshakeTracker t = new HandshakeTracker(1024, TIMEOUT, 17, HandshakeListener.ignoring());
        Model model = new Model();
        TcpSegment seg = new TcpSegment();
        long now = T0;
        for (int i = 0; i < ops.size(); i++) {
            int raw = ops.get(i);
            Op op = Op.of(raw);
            now += op.dtNs();
            t.advance(now);
            int flags = op.flags(raw);
            if (flags != 0) {
                int expected = model.apply(op, flags, now);
                int actual = t.onSegment(op.segment(seg, flags), now);
                assertThat(Outcome.name(actual))
                        .as("op %d: %s flags %x", i, op, flags)
                        .isEqualTo(Outcome.name(expected));
            }
        }
        assertThat(t.evicted()).isZero();
    }

    /** The rules as the design states them, on a HashMap, written apart from the tracker. */
    static final class Model {
        static final class Entry {
            int state = HandshakeState.SYN_SEEN;
            int clientIsn;
            int serverIsn;
            long firstNs;
        }

        /** Key: flow * 2 + which end is the client (0: the flow's client, 1: its server). */
        final Map<Integer, Entry> entries = new HashMap<>();

        Entry live(int key, long now) {
            Entry e = entries.get(key);
            if (e != null && now - e.firstNs >= TIMEOUT) {
                entries.remove(key);
                return null;
            }
            return e;
        }

        int apply(Op op, int flags, long now) {
            int fwd = op.flow() * 2 + op.dir(), rev = op.flow() * 2 + (1 - op.dir());
            boolean ack = (flags & ACK) != 0;
            int seq = op.seq(), an = op.ack();
            if ((flags & RST) != 0) {
                Entry e = live(fwd, now);
                if (e != null
                        && (seq == e.clientIsn + 1
                                || (ack && e.state == HandshakeState.SYN_ACK_SEEN && an == e.serverIsn + 1))) {
                    entries.remove(fwd);
                    return Outcome.ABORTED;
                }
                e = live(rev, now);
                if (e != null
                        && ((ack && an == e.clientIsn + 1)
                                || (e.state == HandshakeState.SYN_ACK_SEEN && seq == e.serverIsn + 1))) {
                    entries.remove(rev);
                    return Outcome.REFUSED;
                }
                return Outcome.NONE;
            }
            if ((flags & SYN) != 0 && ack) {
                Entry e = live(rev, now);
                if (e != null && an == e.clientIsn + 1) {
                    if (e.state == HandshakeState.SYN_SEEN) {
                        e.state = HandshakeState.SYN_ACK_SEEN;
                        e.serverIsn = seq;
                        return Outcome.SYN_ACK;
                    }
                    if (seq == e.serverIsn) {
                        return Outcome.SYN_ACK_RETRANSMIT;
                    }
                }
                return Outcome.SYN_ACK_UNSOLICITED;
            }
            if ((flags & SYN) != 0) {
                if ((flags & FIN) != 0) {
                    return Outcome.NONE;
                }
                Entry e = live(fwd, now);
                if (e != null && e.clientIsn == seq) {
                    return Outcome.SYN_RETRANSMIT;
                }
                Entry fresh = new Entry();
                fresh.clientIsn = seq;
                fresh.firstNs = now;
                entries.put(fwd, fresh);
                return Outcome.SYN_NEW;
            }
            if (!ack && (flags & FIN) == 0) {
                return Outcome.NONE;
            }
            Entry e = live(fwd, now);
            if (e == null) {
                return Outcome.NONE;
            }
            if (ack && e.state == HandshakeState.SYN_ACK_SEEN && an == e.serverIsn + 1) {
                entries.remove(fwd);
                return Outcome.COMPLETED;
            }
            if ((flags & FIN) != 0 && seq == e.clientIsn + 1) {
                entries.remove(fwd);
                return Outcome.ABORTED;
            }
            return Outcome.NONE;
        }
    }
}
