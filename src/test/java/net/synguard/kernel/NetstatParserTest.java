package net.synguard.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NetstatParserTest {

    @ParameterizedTest
    @ValueSource(strings = {"host", "ns-before", "ns-nocookies", "ns-cookies"})
    void everyCounterMatchesWhatNstatPrintedForTheSameFile(String tag) throws Exception {
        long[] parsed = NetstatParser.parse(Fixtures.text(tag + "-netstat")).toArray();
        for (int i = 0; i < parsed.length; i++) {
            String name = TcpExtCounters.NAMES.get(i);
            assertThat(parsed[i]).as(name).isEqualTo(Fixtures.nstat(tag, name)).isNotNegative();
        }
    }

    @Test
    void queueOverflowWithCookiesOffThenOn() throws Exception {
        // nstat -az in the namespace: 8081 (backlog 2) turned 5 of 8 SYNs away with cookies off,
        // then 8082 (backlog 2) answered 5 of 8 with cookies.
        assertThat(NetstatParser.parse(Fixtures.text("ns-nocookies-netstat")))
                .isEqualTo(new TcpExtCounters(0, 0, 0, 0, 5, 5, 0));
        assertThat(NetstatParser.parse(Fixtures.text("ns-cookies-netstat")))
                .isEqualTo(new TcpExtCounters(5, 0, 0, 0, 5, 5, 5));
    }

    @Test
    void findsCountersByNameWhereverTheyAreAndIgnoresOthers() throws Exception {
        String text = "IpExt: InNoRoutes InOctets\nIpExt: 1 2\n"
                + "TcpExt:  TCPReqQFullDoCookies NewCounter ListenDrops\tSyncookiesSent ListenOverflows"
                + " SyncookiesRecv TCPReqQFullDrop SyncookiesFailed   \n"
                + "TcpExt: 7 99 5 3 4 1 6 2 \t \n"
                + "MPTcpExt: MPCapableSYNRX\nMPTcpExt: 8\n\n";
        assertThat(NetstatParser.parse(text)).isEqualTo(new TcpExtCounters(3, 1, 2, 4, 5, 6, 7));
    }

    @Test
    void counterThisKernelLacksIsAbsentNotZero() throws Exception {
        TcpExtCounters c = NetstatParser.parse(
                "TcpExt: SyncookiesSent SyncookiesRecv SyncookiesFailed ListenOverflows ListenDrops\n"
                        + "TcpExt: 1 2 3 4 5\n");
        assertThat(c.tcpReqQFullDrop()).isEqualTo(TcpExtCounters.ABSENT);
        assertThat(c.tcpReqQFullDoCookies()).isEqualTo(TcpExtCounters.ABSENT);
        assertThat(c.listenDrops()).isEqualTo(5);
    }

    @Test
    void noTcpExtSectionIsAllAbsent() throws Exception {
        assertThat(NetstatParser.parse("IpExt: InNoRoutes\nIpExt: 0\n")).isEqualTo(TcpExtCounters.NONE);
        assertThat(NetstatParser.parse("")).isEqualTo(TcpExtCounters.NONE);
    }

    @Test
    void countPastSignedRangeClamps() throws Exception {
        TcpExtCounters c = NetstatParser.parse("TcpExt: ListenDrops\nTcpExt: 18446744073709551615\n");
        assertThat(c.listenDrops()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void realFileMissingOneValueNamesTheLine() {
        String[] lines = Fixtures.text("host-netstat").split("\n");
        lines[1] = lines[1].substring(0, lines[1].lastIndexOf(' '));
        assertThatThrownBy(() -> NetstatParser.parse(String.join("\n", lines)))
                .isInstanceOfSatisfying(ProcFormatException.class, e -> {
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.file()).isEqualTo("/proc/net/netstat");
                })
                .hasMessageContaining("/proc/net/netstat line 2: TcpExt has 134 values for 135 names on line 1");
    }

    @Test
    void moreValuesThanNames() {
        assertThatThrownBy(() -> NetstatParser.parse("IpExt: A\nIpExt: 1\nTcpExt: A B\nTcpExt: 1 2 3\n", "netstat"))
                .isInstanceOf(ProcFormatException.class)
                .hasMessage("netstat line 4: TcpExt has 3 values for 2 names on line 3 (expected one value per name)");
    }

    @Test
    void valuesLineOfAnotherSection() {
        assertThatThrownBy(() -> NetstatParser.parse("TcpExt: A B\nIpExt: 1 2\n"))
                .isInstanceOf(ProcFormatException.class)
                .hasMessageContaining("line 2: values line 'IpExt:' after header 'TcpExt:'");
    }

    @Test
    void headerWithoutValuesAtEndOfFile() {
        assertThatThrownBy(() -> NetstatParser.parse("IpExt: A\nIpExt: 1\nTcpExt: A B"))
                .isInstanceOf(ProcFormatException.class)
                .hasMessageContaining("line 3: header 'TcpExt:' has no values line after it");
    }

    @Test
    void nonNumericValue() {
        assertThatThrownBy(() -> NetstatParser.parse("TcpExt: ListenDrops ListenOverflows\nTcpExt: 5 0x10\n"))
                .isInstanceOf(ProcFormatException.class)
                .hasMessageContaining("line 2: ListenOverflows = '0x10' (expected an unsigned decimal count)");
    }

    @Test
    void lineWithoutSectionName() {
        assertThatThrownBy(() -> NetstatParser.parse("TcpExt ListenDrops\nTcpExt 5\n"))
                .isInstanceOf(ProcFormatException.class)
                .hasMessageContaining("line 1: line starts with 'TcpExt'");
    }
}
