package net.synguard.mitigate;

import static net.synguard.mitigate.CookieCodec.INVALID;
import static net.synguard.mitigate.Flows.PERIOD_NS;
import static net.synguard.mitigate.Flows.ROTATION_NS;
import static net.synguard.mitigate.Flows.T0;
import static net.synguard.mitigate.Flows.V4;
import static net.synguard.mitigate.Flows.V6;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CookieCodecTest {
    private final CookieKeys keys = CookieKeys.ephemeral(PERIOD_NS, ROTATION_NS);
    private final CookieCodec codec = new CookieCodec(keys);

    @Test
    void mssRoundsDownToTheTable() {
        int[][] cases = {
            {-1, 536},
            {0, 536},
            {535, 536},
            {536, 536},
            {1299, 536},
            {1300, 1300},
            {1439, 1300},
            {1440, 1440},
            {1459, 1440},
            {1460, 1460},
            {8960, 1460},
            {65535, 1460},
        };
        for (int[] c : cases) {
            assertThat(CookieCodec.mssOf(CookieCodec.mssIndex(c[0])))
                    .as("MSS %d", c[0])
                    .isEqualTo(c[1]);
        }
    }

    @Test
    void everyMssIndexRoundTripsAtEveryValidAge() {
        long[] issuedAt = {T0, T0 + PERIOD_NS / 2, T0 + PERIOD_NS - 1};
        for (Flows f : new Flows[] {V4, V6}) {
            for (int index = 0; index < 4; index++) {
                for (long t : issuedAt) {
                    int isn = 0x9E37_79B9 * (index + 1);
                    int cookie = f.encode(codec, isn, CookieCodec.mssOf(index), t);
                    long periodStart = Math.floorDiv(t, PERIOD_NS) * PERIOD_NS;
                    // Age 0: the rest of the issuing period. Age 1: all of the next one.
                    for (long checkAt : new long[] {
                        t, periodStart + PERIOD_NS - 1, periodStart + PERIOD_NS, periodStart + 2 * PERIOD_NS - 1
                    }) {
                        assertThat(f.check(codec, cookie, isn, checkAt))
                                .as("%s index %d issued %d checked %d", f, index, t, checkAt)
                                .isEqualTo(index);
                    }
                }
            }
        }
    }

    @Test
    void cookieExpiresAfterTwoPeriods() {
        int cookie = V4.encode(codec, 1234, 1460, T0 + 5);
        assertThat(V4.check(codec, cookie, 1234, T0 + 2 * PERIOD_NS - 1)).isEqualTo(3);
        assertThat(V4.check(codec, cookie, 1234, T0 + 2 * PERIOD_NS)).isEqualTo(INVALID);
        assertThat(V4.check(codec, cookie, 1234, T0 + 3 * PERIOD_NS)).isEqualTo(INVALID);
        // 256 periods on, the cookie's 8-bit counter is current again; H2 of the full counter is not.
        assertThat(V4.check(codec, cookie, 1234, T0 + 256 * PERIOD_NS)).isEqualTo(INVALID);
        assertThat(V4.check(codec, cookie, 1234, T0 + 257 * PERIOD_NS)).isEqualTo(INVALID);
    }

    @Test
    void cookieFromTheFutureIsRejected() {
        int cookie = V4.encode(codec, 1234, 1460, T0 + PERIOD_NS);
        assertThat(V4.check(codec, cookie, 1234, T0 + PERIOD_NS - 1)).isEqualTo(INVALID);
    }

    @Test
    void directionAndIsnMatter() {
        int cookie = V4.encode(codec, 77, 1440, T0);
        Flows reversed = new Flows(V4.sHi(), V4.sLo(), V4.cHi(), V4.cLo(), V4.sPort(), V4.cPort());
        assertThat(reversed.check(codec, cookie, 77, T0)).isEqualTo(INVALID);
        for (int isn : new int[] {76, 78, 79, 80, 75, 74}) {
            assertThat(V4.check(codec, cookie, isn, T0)).as("ISN %d", isn).isEqualTo(INVALID);
        }
    }

    @Test
    void resetHandoffChecksTheClientsAck() {
        int synIsn = 0xFFFF_FFFF; // seq = isn + 1 wraps to 0
        int cookie = V6.encode(codec, synIsn, 1300, T0);
        int ackSeq = synIsn + 1;
        int ackAck = cookie + 1;
        assertThat(codec.checkResetAck(
                        V6.cHi(), V6.cLo(), V6.sHi(), V6.sLo(), V6.cPort(), V6.sPort(), ackSeq, ackAck, T0 + PERIOD_NS))
                .isEqualTo(1);
        // An ACK of another number (the MSS index absorbs +-3: Linux's layout adds it into the low bits).
        assertThat(codec.checkResetAck(
                        V6.cHi(), V6.cLo(), V6.sHi(), V6.sLo(), V6.cPort(), V6.sPort(), ackSeq, ackAck + 4, T0))
                .isEqualTo(INVALID);
        assertThat(codec.checkResetAck(
                        V6.cHi(), V6.cLo(), V6.sHi(), V6.sLo(), V6.cPort(), V6.sPort(), ackSeq + 1, ackAck, T0))
                .isEqualTo(INVALID);
    }

    @Test
    void retryHandoffChecksTheRstSequenceNumber() {
        int cookie = codec.encodeRetry(V4.cHi(), V4.cLo(), V4.sHi(), V4.sLo(), V4.cPort(), V4.sPort(), -1, T0);
        // RFC 9293 3.10.7.3: the RST's sequence number is the SYN-ACK's acknowledgment number.
        int rstSeq = cookie;
        assertThat(codec.checkRetryRst(V4.cHi(), V4.cLo(), V4.sHi(), V4.sLo(), V4.cPort(), V4.sPort(), rstSeq, T0 + 1))
                .isZero();
        assertThat(codec.checkRetryRst(V4.cHi(), V4.cLo(), V4.sHi(), V4.sLo(), V4.cPort(), V4.sPort(), rstSeq + 4, T0))
                .isEqualTo(INVALID);
        assertThat(codec.checkRetryRst(V4.cHi(), V4.cLo(), V4.sHi(), V4.sLo(), V4.cPort() + 1, V4.sPort(), rstSeq, T0))
                .isEqualTo(INVALID);
    }

    @Test
    void rotationKeepsThePreviousKeyForTheCookiesItIssued() {
        // First call: schedules the rotation for one interval later, a third of the way into a period.
        assertThat(keys.maybeRotate(T0 + PERIOD_NS / 3)).isFalse();
        long due = T0 + PERIOD_NS / 3 + ROTATION_NS;
        int before = V4.encode(codec, 5, 1460, due - 1);
        assertThat(keys.maybeRotate(due - 1)).isFalse();
        assertThat(keys.maybeRotate(due + 10)).isTrue();
        assertThat(keys.rotations()).isEqualTo(1);

        // Issued in the rotation's own period after it: still the previous key (it owns that period).
        int samePeriod = V4.encode(codec, 6, 1440, due + 20);
        long nextPeriod = Math.floorDiv(due, PERIOD_NS) * PERIOD_NS + PERIOD_NS;
        int after = V4.encode(codec, 7, 1300, nextPeriod);

        assertThat(V4.check(codec, before, 5, due + 10)).isEqualTo(3);
        assertThat(V4.check(codec, before, 5, nextPeriod + PERIOD_NS - 1)).isEqualTo(3);
        assertThat(V4.check(codec, samePeriod, 6, nextPeriod + PERIOD_NS - 1)).isEqualTo(2);
        assertThat(V4.check(codec, after, 7, nextPeriod)).isEqualTo(1);
        assertThat(V4.check(codec, after, 7, nextPeriod + 2 * PERIOD_NS - 1)).isEqualTo(1);
        assertThat(V4.check(codec, before, 5, nextPeriod + PERIOD_NS)).isEqualTo(INVALID);

        KeyRing ring = keys.ring();
        assertThat(ring.previous()).isNotNull();
        assertThat(ring.switchCounter()).isEqualTo(nextPeriod / PERIOD_NS);
        assertThat(ring.switchAtNs()).isEqualTo(nextPeriod);

        // The next rotation drops the first generation, whose last cookies have expired by then.
        assertThat(keys.maybeRotate(due + ROTATION_NS - 1)).isFalse();
        assertThat(keys.maybeRotate(due + ROTATION_NS + 10)).isTrue();
        assertThat(keys.ring().previous()).isEqualTo(ring.current());
        assertThat(V4.check(codec, after, 7, nextPeriod + PERIOD_NS)).isEqualTo(1);
    }

    @Test
    void theRotatedOutKeyNoLongerVerifiesPeriodsItDoesNotOwn() {
        keys.maybeRotate(T0);
        keys.maybeRotate(T0 + ROTATION_NS);
        KeyRing ring = keys.ring();
        long switchAt = ring.switchAtNs();
        // A cookie made with the old key for the first period the new key owns.
        int forgedWithOldKey = encodeWith(ring.previous(), switchAt);
        int genuine = V4.encode(codec, 9, 536, switchAt);
        assertThat(V4.check(codec, genuine, 9, switchAt)).isZero();
        assertThat(V4.check(codec, forgedWithOldKey, 9, switchAt)).isEqualTo(INVALID);
    }

    @Test
    void clockStepsBackDoNotStallOrBreakRotation() {
        keys.maybeRotate(T0);
        // Packet time jumps back a day: the schedule restarts from there rather than waiting a day.
        long back = T0 - 86_400_000_000_000L;
        assertThat(keys.maybeRotate(back)).isFalse();
        assertThat(keys.maybeRotate(back + ROTATION_NS)).isTrue();
    }

    /** Encodes V4, ISN 9, MSS 536 with one given secret (the codec picks its own). */
    private static int encodeWith(CookieSecret s, long nowNs) {
        CookieKeys k = CookieKeys.of(
                PERIOD_NS, ROTATION_NS, new KeyRing(s, null, Long.MIN_VALUE, Long.MIN_VALUE, CookieKeys.NOT_SCHEDULED));
        return V4.encode(new CookieCodec(k), 9, 536, nowNs);
    }
}
