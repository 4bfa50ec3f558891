package net.synguard.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.synguard.decode.Address;
import net.synguard.decode.Addresses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SocketTableParserTest {
    private static final String HEADER =
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt" + "   uid  timeout inode\n";
    // Request socket lines stop a few columns after inode (get_openreq4).
    private static final String SYN_RECV_80 = "   0: 0100007F:0050 0100007F:CA42 03 00000000:00000000 01:00000026"
            + " 00000000     0        0 0 0 00000000409361d8\n";

    private static SynRecvCounts read(String... fixtures) throws Exception {
        SynRecvCounts counts = new SynRecvCounts();
        for (String name : fixtures) {
            SocketTableParser.parse(Fixtures.text(name), name, ByteOrder.LITTLE_ENDIAN, counts);
        }
        return counts;
    }

    private static SynRecvCounts parse(String text) throws ProcFormatException {
        SynRecvCounts counts = new SynRecvCounts();
        SocketTableParser.parse(text, "tcp", ByteOrder.LITTLE_ENDIAN, counts);
        return counts;
    }

    @ParameterizedTest
    @ValueSource(strings = {"ns-nocookies", "ns-cookies", "host", "ns-before"})
    void synRecvPerPortIsWhatSsShowed(String tag) throws Exception {
        SynRecvCounts counts = read(tag + "-tcp", tag + "-tcp6");
        Map<Integer, Integer> ss = Fixtures.ssSynRecvByPort(tag);
        assertThat(counts.synRecvByPort()).isEqualTo(ss);
        assertThat(counts.synRecvTotal())
                .isEqualTo(ss.values().stream().mapToInt(Integer::intValue).sum());
        assertThat(counts.socketTotal()).isEqualTo(Fixtures.ss(tag).size());
    }

    @Test
    void synRecvPerEndpointInBothFamilies() throws Exception {
        // ss -tan state syn-recv in the namespace listed 16: 5 + 3 on port 8080 (IPv4, ::1), 3 on
        // each overflowing backlog-2 listener, 2 IPv4 clients of the dual-stack [::]:8083.
        SynRecvCounts counts = read("ns-cookies-tcp", "ns-cookies-tcp6");
        assertThat(counts.synRecvTotal()).isEqualTo(16);
        assertThat(counts.synRecvByPort())
                .containsExactly(Map.entry(8080, 8), Map.entry(8081, 3), Map.entry(8082, 3), Map.entry(8083, 2));
        assertThat(counts.synRecvAtPort(8080)).isEqualTo(8);
        assertThat(counts.synRecvAtPort(443)).isZero();
        List<String> endpoints = new ArrayList<>();
        counts.synRecvByEndpoint().forEach((e, n) -> endpoints.add(e + "=" + n));
        // By port, then the 128-bit address: ::1 sorts before ::ffff:127.0.0.1.
        assertThat(endpoints)
                .containsExactly(
                        "[::1]:8080=3", "127.0.0.1:8080=5", "127.0.0.1:8081=3", "127.0.0.1:8082=3", "127.0.0.1:8083=2");
        assertThat(counts.inState(SynRecvCounts.TCP_SYN_RECV)).isEqualTo(16);
        assertThat(counts.inState(0x02))
                .as("SYN_SENT clients of 8081 still retrying")
                .isEqualTo(5);
    }

    @ParameterizedTest
    @ValueSource(strings = {"host", "ns-cookies", "ns-nocookies"})
    void everySynRecvAndListenerEndpointDecodesAsSsPrintedIt(String tag) throws Exception {
        SynRecvCounts counts = read(tag + "-tcp", tag + "-tcp6");
        List<String> ours = new ArrayList<>();
        counts.listeners().forEach(l -> ours.add("LISTEN " + l.local() + " " + l.acceptQueue()));
        counts.synRecvByEndpoint().forEach((e, n) -> {
            for (int i = 0; i < n; i++) {
                ours.add("SYN-RECV " + e + " 0");
            }
        });
        List<String> theirs = new ArrayList<>();
        for (Fixtures.SsLine line : Fixtures.ss(tag)) {
            if (line.state().equals("LISTEN") || line.state().equals("SYN-RECV")) {
                theirs.add(line.state() + " " + line.local() + " " + line.recvQ());
            }
        }
        assertThat(ours).containsExactlyInAnyOrderElementsOf(theirs);
    }

    @Test
    void listenerRxQueueIsItsAcceptQueue() throws Exception {
        // The host fixture left two connections unaccepted on 127.0.0.1:18080 and one on [::1]:18081.
        SynRecvCounts counts = read("host-tcp", "host-tcp6");
        assertThat(counts.listeners())
                .contains(new Listener(endpoint("127.0.0.1", 18080), 2), new Listener(endpoint("::1", 18081), 1));
        assertThat(counts.synRecvTotal()).isZero();
    }

    @ParameterizedTest
    @CsvSource({
        // Lines as this x86_64 kernel printed them, and ss's view of the same sockets.
        "0100007F:0050, 127.0.0.1:80",
        "00000000:07E8, 0.0.0.0:2024",
        "00000000000000000000000001000000:1F90, [::1]:8080",
        "00000000000000000000000000000000:1F93, [::]:8083",
        "0000000000000000FFFF00000100007F:1F93, 127.0.0.1:8083",
        // 2001:db8::ff00:42:8329 by hand: each 32-bit word's bytes reversed.
        "B80D0120000000000000000029834200:01BB, [2001:db8::42:8329]:443",
        "B80D01200000000000FF000029834200:FFFF, [2001:db8::ff00:42:8329]:65535",
        "000080FE00000000FF5D1502010000FE:0016, [fe80::215:5dff:fe00:1]:22",
    })
    void decodesLittleEndianWords(String local, String expected) throws Exception {
        SynRecvCounts counts = parse(HEADER + "   0: " + local + " 00000000:0000 0A 00000000:00000000 00:00000000"
                + " 00000000     0        0 1 1 0000000000000000 100 0 0 10 0\n");
        assertThat(counts.listeners())
                .singleElement()
                .satisfies(l -> assertThat(l.local()).hasToString(expected));
    }

    @Test
    void bigEndianHostPrintsWordsInNetworkOrder() throws Exception {
        SynRecvCounts counts = new SynRecvCounts();
        SocketTableParser.parse(
                "   0: 20010DB8000000000000FF0000428329:01BB 00000000000000000000000000000000:0000 03"
                        + " 00000000:00000000 00:00000000 00000000 0 0 0\n"
                        + "   1: C000020A:0050 00000000:0000 03 00000000:00000000 00:00000000 00000000 0 0 0\n",
                "tcp6",
                ByteOrder.BIG_ENDIAN,
                counts);
        assertThat(counts.synRecvByEndpoint().keySet())
                .containsExactly(endpoint("192.0.2.10", 80), endpoint("2001:db8::ff00:42:8329", 443));
    }

    @Test
    void mappedAddressKeysLikeTheDecoder() throws Exception {
        SynRecvCounts counts = parse("0: 0000000000000000FFFF00000100007F:1F93 0000000000000000FFFF00000100007F:8B72"
                + " 03 00000000:00000000 01:00000026 00000000     0        0 0 0 0000000000000000\n");
        LocalEndpoint e = counts.synRecvByEndpoint().firstKey();
        assertThat(Addresses.isIpv4(e.hi(), e.lo())).isTrue();
        assertThat(e.address()).isEqualTo(Address.parse("127.0.0.1"));
    }

    @Test
    void unknownExtraColumnsAndTrailingBlanksAreIgnored() throws Exception {
        String line = SYN_RECV_80.strip() + " 17 future-column 0xdead \t  \r\n";
        assertThat(parse(HEADER + line + "\n\n").synRecvByPort()).containsExactly(Map.entry(80, 1));
    }

    @Test
    void headerAndBlankLinesCountNothing() throws Exception {
        SynRecvCounts counts = parse(HEADER + "\n   \n");
        assertThat(counts.socketTotal()).isZero();
        assertThat(counts.synRecvByPort()).isEmpty();
        assertThat(counts.listeners()).isEmpty();
    }

    @Test
    void truncatedLineNamesTheLineAndTheMissingColumn() {
        String cut = SYN_RECV_80.substring(0, SYN_RECV_80.indexOf(" 03 ") + 3);
        assertThatThrownBy(() -> parse(HEADER + SYN_RECV_80 + cut + "\n"))
                .isInstanceOfSatisfying(
                        ProcFormatException.class, e -> assertThat(e.line()).isEqualTo(3))
                .hasMessageStartingWith("tcp line 3: line ends before 'tx_queue:rx_queue'");
    }

    @Test
    void lineEndingBeforeInodeIsTruncated() {
        String cut = SYN_RECV_80.substring(0, SYN_RECV_80.indexOf("     0        0"));
        assertThatThrownBy(() -> parse(HEADER + cut))
                .isInstanceOf(ProcFormatException.class)
                .hasMessageStartingWith("tcp line 2: line ends before 'uid'");
    }

    @Test
    void nonHexAddress() {
        assertThatThrownBy(() -> parse(HEADER + SYN_RECV_80.replace("0100007F:0050", "0100007G:0050")))
                .isInstanceOf(ProcFormatException.class)
                .hasMessageStartingWith("tcp line 2: local_address has 'G' in '0100007G' (expected hex digits)");
    }

    @Test
    void nonHexPortAndState() {
        assertThatThrownBy(() -> parse(SYN_RECV_80.replace("0100007F:0050", "0100007F:00P0")))
                .isInstanceOf(ProcFormatException.class)
                .hasMessageStartingWith("tcp line 1: local port has 'P'");
        assertThatThrownBy(() -> parse(SYN_RECV_80.replace(" 03 ", " 0x ")))
                .isInstanceOf(ProcFormatException.class)
                .hasMessageStartingWith("tcp line 1: st has 'x'");
    }

    @Test
    void nonHexQueue() {
        assertThatThrownBy(() -> parse(SYN_RECV_80.replace("00000000:00000000", "00000000:0000000Z")))
                .isInstanceOf(ProcFormatException.class)
                .hasMessageStartingWith("tcp line 1: rx_queue has 'Z'");
    }

    @Test
    void addressOfTheWrongWidth() {
        assertThatThrownBy(() -> parse(SYN_RECV_80.replace("0100007F:0050", "100007F:0050")))
                .isInstanceOf(ProcFormatException.class)
                .hasMessageStartingWith("tcp line 1: local_address '100007F:0050' (expected 8 or 32 hex digits,"
                        + " ':', 4 hex digits)");
    }

    @Test
    void slotWithoutColon() {
        assertThatThrownBy(() -> parse(SYN_RECV_80.replace("0:", "0")))
                .isInstanceOf(ProcFormatException.class)
                .hasMessageStartingWith("tcp line 1: slot '0' does not end in ':'");
    }

    private static LocalEndpoint endpoint(String address, int port) {
        Address a = Address.parse(address);
        return new LocalEndpoint(a.hi(), a.lo(), port);
    }
}
