package net.synguard.track;

import static net.synguard.track.HandshakeTrackerTest.SEC;
import static net.synguard.track.HandshakeTrackerTest.T0;
import static net.synguard.track.HandshakeTrackerTest.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import net.synguard.decode.TcpSegment;
import net.synguard.decode.TestSegments;
import org.junit.jupiter.api.Test;

/** Half-open counts per (server address, server port). */
class PortCountTest {
    static final long OTHER_SERVER = TestSegments.ipv4(203, 0, 113, 5);

    final HandshakeTracker tracker = new HandshakeTracker(1024, TIMEOUT, 9, HandshakeListener.ignoring());

    static Map<String, Integer> visit(HandshakeTracker t) {
        Map<String, Integer> seen = new HashMap<>();
        t.forEachPort((sHi, sLo, sPort, n) -> seen.put(Long.toHexString(sLo) + ":" + sPort, n));
        return seen;
    }

    @Test
    void countsGoUpAndDown() {
        Flow a = Flow.v4(1, 40000, 80), b = Flow.v4(2, 40000, 80), c = Flow.v4(3, 40000, 80);
        Flow d = Flow.v4(1, 40001, 443), e = Flow.v4(2, 40001, 443);
        Flow f = new Flow(0, TestSegments.ipv4(192, 0, 2, 1), 40002, 0, OTHER_SERVER, 80);
        for (Flow flow : new Flow[] {a, b, c, d, e, f}) {
            tracker.onSegment(flow.syn(100), T0);
        }
        assertThat(a.portCountIn(tracker)).isEqualTo(3);
        assertThat(d.portCountIn(tracker)).isEqualTo(2);
        assertThat(f.portCountIn(tracker)).isEqualTo(1);
        assertThat(tracker.halfOpenFor(0, Flow.SERVER, 22)).isZero();
        String server = Long.toHexString(Flow.SERVER), other = Long.toHexString(OTHER_SERVER);
        assertThat(visit(tracker)).isEqualTo(Map.of(server + ":80", 3, server + ":443", 2, other + ":80", 1));

        tracker.onSegment(a.synAck(7, 101), T0);
        assertThat(a.portCountIn(tracker)).isEqualTo(3); // still half-open
        tracker.onSegment(a.ack(101, 8), T0);
        assertThat(a.portCountIn(tracker)).isEqualTo(2);
        tracker.onSegment(d.serverRst(TcpSegment.ACK, 0, 101), T0);
        assertThat(d.portCountIn(tracker)).isEqualTo(1);
        tracker.onSegment(f.clientRst(0, 101, 0), T0);
        assertThat(f.portCountIn(tracker)).isZero();
        assertThat(visit(tracker)).isEqualTo(Map.of(server + ":80", 2, server + ":443", 1));

        tracker.advance(T0);
        tracker.advance(T0 + TIMEOUT);
        assertThat(visit(tracker)).isEmpty();
        assertThat(b.portCountIn(tracker)).isZero();
    }

    @Test
    void keyBeyondCapacityIsCountedAsOverflow() {
        HandshakeTracker small = new HandshakeTracker(64, 1, TIMEOUT, 9, HandshakeListener.ignoring());
        Flow web = Flow.v4(1, 40000, 80), tls = Flow.v4(2, 40000, 443), web2 = Flow.v4(3, 40000, 80);
        small.onSegment(web.syn(1), T0);
        small.onSegment(tls.syn(1), T0);
        small.onSegment(web2.syn(1), T0);

        assertThat(small.portCountOverflow()).isEqualTo(1);
        assertThat(web.portCountIn(small)).isEqualTo(2);
        assertThat(tls.portCountIn(small)).isZero();
        assertThat(small.size()).isEqualTo(3);

        small.onSegment(tls.clientRst(0, 2, 0), T0); // closing an uncounted entry touches no count
        assertThat(web.portCountIn(small)).isEqualTo(2);
        small.onSegment(web.clientRst(0, 2, 0), T0);
        small.onSegment(web2.clientRst(0, 2, 0), T0);
        assertThat(visit(small)).isEmpty();
        small.onSegment(tls.syn(5), T0 + SEC); // room again
        assertThat(tls.portCountIn(small)).isEqualTo(1);
    }

    @Test
    void tableMatchesModelUnderChurn() {
        // Few slots and many colliding keys exercise backward-shift deletion across wrap-around.
        PortCounts counts = new PortCounts(16, 1);
        Map<Long, Integer> model = new HashMap<>();
        SplittableRandom random = new SplittableRandom(99);
        for (int i = 0; i < 200_000; i++) {
            int port = random.nextInt(24);
            long lo = random.nextInt(2);
            long key = lo << 16 | port;
            int before = model.getOrDefault(key, 0);
            if (random.nextBoolean() || before == 0) {
                boolean counted = counts.increment(0, lo, port);
                assertThat(counted).isEqualTo(before > 0 || model.size() < 16);
                if (counted) {
                    model.put(key, before + 1);
                }
            } else {
                counts.decrement(0, lo, port);
                if (before == 1) {
                    model.remove(key);
                } else {
                    model.put(key, before - 1);
                }
            }
            assertThat(counts.size()).isEqualTo(model.size());
            if ((i & 63) == 0) {
                for (long k : model.keySet()) {
                    assertThat(counts.get(0, k >>> 16, (int) (k & 0xFFFF))).isEqualTo(model.get(k));
                }
            }
        }
    }
}
