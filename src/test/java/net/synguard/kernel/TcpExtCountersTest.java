package net.synguard.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class TcpExtCountersTest {

    @Test
    void deltaBetweenRealReadings() throws Exception {
        TcpExtCounters before = NetstatParser.parse(Fixtures.text("ns-before-netstat"));
        TcpExtCounters noCookies = NetstatParser.parse(Fixtures.text("ns-nocookies-netstat"));
        TcpExtCounters cookies = NetstatParser.parse(Fixtures.text("ns-cookies-netstat"));
        assertThat(noCookies.minus(before)).isEqualTo(new TcpExtCounters(0, 0, 0, 0, 5, 5, 0));
        assertThat(cookies.minus(noCookies)).isEqualTo(new TcpExtCounters(5, 0, 0, 0, 0, 0, 5));
    }

    @Test
    void decreaseIsAResetAndCountsFromZero() {
        TcpExtCounters earlier = new TcpExtCounters(1000, 10, 1, 50, 60, 7, 900);
        TcpExtCounters later = new TcpExtCounters(3, 11, 1, 2, 60, 0, 904);
        assertThat(later.minus(earlier)).isEqualTo(new TcpExtCounters(3, 1, 0, 2, 0, 0, 4));
    }

    @Test
    void absentOnEitherSideStaysAbsent() {
        long absent = TcpExtCounters.ABSENT;
        TcpExtCounters old = new TcpExtCounters(5, 5, 5, 5, 5, absent, absent);
        TcpExtCounters now = new TcpExtCounters(absent, 6, 6, 6, 6, absent, absent);
        assertThat(now.minus(old)).isEqualTo(new TcpExtCounters(absent, 1, 1, 1, 1, absent, absent));
        assertThat(TcpExtCounters.NONE.minus(TcpExtCounters.NONE)).isEqualTo(TcpExtCounters.NONE);
    }

    @Test
    void negativeCountIsRejected() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new TcpExtCounters(0, 0, 0, 0, -2, 0, 0))
                .withMessage("ListenDrops = -2 (expected a count >= 0, or -1 for absent)");
    }
}
