package net.synguard.pressure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PressureTablesTest {
    private static final long SEC = 1_000_000_000L;
    private static final long MAPPED = 0x0000_FFFF_0000_0000L;
    private static final long SERVER = MAPPED | 0xC6120001L; // 198.18.0.1
    private final long[] clock = {SEC};
    private final PressureTables t = new PressureTables(1024, 1024, 16, 120 * SEC, 24, 64, SEC, () -> clock[0]);

    @Test
    void oneOffSourcesNeverEnterTheCache() {
        for (int i = 0; i < 10_000; i++) {
            clock[0] += 1000;
            t.onSyn(0, MAPPED | (0x0A000000L + i * 256L), 0, SERVER, 80, clock[0]);
        }
        assertThat(t.trackedSources()).isZero();
        DestinationStats d = t.destinationStats(0, SERVER);
        assertThat(d.syns()).isEqualTo(10_000);
        assertThat(d.distinctSources()).isBetween(9_300L, 10_700L);
    }

    @Test
    void repeatersAndRealClientsGetEntries() {
        long repeater = MAPPED | 0x0A000001L;
        long client = MAPPED | 0xC6120003L;
        t.onSyn(0, repeater, 0, SERVER, 80, clock[0]);
        t.onSyn(0, repeater, 0, SERVER, 80, clock[0] + 1);
        t.onSyn(0, client, 0, SERVER, 80, clock[0] + 2);
        int mark = t.onHalfOpenOpened(0, client, 0, SERVER, clock[0] + 2);
        t.onSynAckSeen(0, SERVER, clock[0] + 3);
        t.onHalfOpenClosed(0, client, 0, SERVER, true, true, mark, clock[0] + 4);
        assertThat(t.sourceStats(0, repeater).syns()).isEqualTo(1); // counted from its second SYN
        assertThat(t.sourceStats(0, client).completed()).isEqualTo(1);
        DestinationStats d = t.destinationStats(0, SERVER);
        assertThat(d.completed()).isEqualTo(1);
        assertThat(d.halfOpen()).isZero();
    }

    @Test
    void halfOpenCountsFollowTheStates() {
        long c = MAPPED | 0x0A000001L;
        t.onSyn(0, c, 0, SERVER, 80, clock[0]);
        int mark = t.onHalfOpenOpened(0, c, 0, SERVER, clock[0]);
        DestinationStats d = t.destinationStats(0, SERVER);
        assertThat(d.halfOpenSynSeen()).isEqualTo(1);
        t.onSynAckSeen(0, SERVER, clock[0]);
        assertThat(d.halfOpenSynSeen()).isZero();
        assertThat(d.halfOpenSynAckSeen()).isEqualTo(1);
        t.onHalfOpenClosed(0, c, 0, SERVER, true, false, mark, clock[0]);
        assertThat(d.halfOpen()).isZero();
        assertThat(d.failed()).isEqualTo(1);
    }

    @Test
    void failuresAreChargedToTheSourcesThatCountedTheOpening() {
        long repeater = MAPPED | 0x0A000001L;
        t.onSyn(0, repeater, 0, SERVER, 80, clock[0]);
        int first = t.onHalfOpenOpened(0, repeater, 0, SERVER, clock[0]); // one-off so far: not counted
        t.onSyn(0, repeater, 0, SERVER, 80, clock[0] + 1); // admitted now
        int second = t.onHalfOpenOpened(0, repeater, 0, SERVER, clock[0] + 1);
        assertThat(first & PressureTables.MARK_SOURCE).isZero();
        assertThat(second & PressureTables.MARK_SOURCE).isEqualTo(PressureTables.MARK_SOURCE);
        SourceStats s = t.sourceStats(0, repeater);
        assertThat(s.halfOpen()).isEqualTo(1);
        t.onHalfOpenClosed(0, repeater, 0, SERVER, false, false, first, clock[0] + 2);
        assertThat(s.halfOpen()).isEqualTo(1);
        assertThat(s.failed()).isZero();
        t.onHalfOpenClosed(0, repeater, 0, SERVER, false, false, second, clock[0] + 3);
        assertThat(s.halfOpen()).isZero();
        assertThat(s.failed()).isEqualTo(1);
    }

    @Test
    void prefixesMaskIpv4AndIpv6() {
        long v4 = MAPPED | 0xC6130A0BL; // 198.19.10.11
        assertThat(t.prefixHi(0, v4)).isZero();
        assertThat(t.prefixLo(0, v4)).isEqualTo(MAPPED | 0xC6130A00L);
        long hi = 0x20010DB8_00010002L;
        long lo = 0x1234_5678_9ABC_DEF0L;
        assertThat(t.prefixHi(hi, lo)).isEqualTo(hi);
        assertThat(t.prefixLo(hi, lo)).isZero();
        assertThat(t.prefixBits(hi, lo)).isEqualTo(64);
    }

    @Test
    void pinnedDestinationsSurviveSizeEviction() {
        DestinationStats d = t.onSyn(0, MAPPED | 1, 0, SERVER, 80, clock[0]);
        t.pin(d, true);
        for (int i = 0; i < 1000; i++) {
            t.onSyn(0, MAPPED | 1, 0, MAPPED | (0x0B000000L + i), 80, clock[0]);
        }
        assertThat(t.destinationStats(0, SERVER)).isSameAs(d);
        assertThat(t.trackedDestinations()).isLessThanOrEqualTo(17);
    }
}
