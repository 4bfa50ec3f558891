package net.synguard.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One KernelView read again and again, as the daemon's kernel-view thread does: it keeps its
 * buffers and counts between readings, so every reading must come out as a fresh view's would,
 * whatever the one before held (or how it failed), and must not allocate per socket.
 */
class KernelViewRefreshTest {
    private static final String HEADER =
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";

    @TempDir
    Path dir;

    private Path netstat;
    private Path tcp;
    private Path tcp6;
    private KernelView view;

    @BeforeEach
    void setUp() {
        netstat = dir.resolve("netstat");
        tcp = dir.resolve("tcp");
        tcp6 = dir.resolve("tcp6");
        view = new KernelView(netstat, tcp, tcp6, ByteOrder.LITTLE_ENDIAN);
    }

    private void use(String tag) throws IOException {
        for (String file : new String[] {"netstat", "tcp", "tcp6"}) {
            Files.copy(
                    Fixtures.path(tag + "-" + file),
                    dir.resolve(file),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private KernelSnapshot fresh(long timeNs) throws IOException {
        return new KernelView(netstat, tcp, tcp6, ByteOrder.LITTLE_ENDIAN).read(timeNs);
    }

    @Test
    void eachReadingIsWhatAFreshViewReads() throws Exception {
        for (String tag :
                new String[] {"ns-cookies", "ns-cookies", "host", "ns-before", "ns-nocookies", "ns-cookies"}) {
            use(tag);
            KernelSnapshot reused = view.read(1);
            assertThat(reused).as(tag).isEqualTo(fresh(1));
            assertThat(reused.describe()).as(tag).isEqualTo(fresh(1).describe());
            assertThat(reused.synRecvByEndpoint()).as(tag).isEqualTo(fresh(1).synRecvByEndpoint());
        }
    }

    @Test
    void unchangedCountersAreTheSameObject() throws Exception {
        use("ns-cookies");
        KernelSnapshot first = view.read(1);
        KernelSnapshot second = view.read(2);
        assertThat(second.counters()).isSameAs(first.counters());
        use("host");
        assertThat(view.read(3).counters()).isNotEqualTo(first.counters());
    }

    @Test
    void aFailedReadingLeavesNothingBehind() throws Exception {
        use("ns-cookies");
        KernelSnapshot good = view.read(1);
        // The failure comes after two good SYN_RECV lines were counted.
        String lines = Fixtures.text("ns-cookies-tcp");
        Files.writeString(tcp, lines + "  99: 0100007F:1F90 0100007F:CA42 03 0000000Z:00000000\n");
        assertThatThrownBy(() -> view.read(2))
                .isInstanceOfSatisfying(ProcFormatException.class, e -> {
                    assertThat(e.file()).isEqualTo(tcp.toString());
                    assertThat(e.line()).isEqualTo(lines.split("\n").length + 1);
                })
                .hasMessageContaining("tx_queue has 'Z' in '0000000Z'");
        use("ns-cookies");
        assertThat(view.read(1)).isEqualTo(good);
    }

    @Test
    void crLfAndMissingLastLineEndReadTheSame() throws Exception {
        use("ns-cookies");
        KernelSnapshot plain = view.read(1);
        for (String file : new String[] {"netstat", "tcp", "tcp6"}) {
            String text = Files.readString(dir.resolve(file), StandardCharsets.US_ASCII);
            Files.writeString(dir.resolve(file), text.strip().replace("\n", "\r\n"), StandardCharsets.US_ASCII);
        }
        assertThat(view.read(1)).isEqualTo(plain);
    }

    @Test
    void byteOutsideAsciiShowsAsTheReplacementCharacter() throws Exception {
        use("host");
        byte[] bad = (HEADER + "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1\n")
                .getBytes(StandardCharsets.US_ASCII);
        int at = HEADER.length() + "   0: 0100007".length();
        bad[at] = (byte) 0xC3;
        Files.write(tcp6, bad);
        assertThatThrownBy(() -> view.read(0))
                .isInstanceOf(ProcFormatException.class)
                .hasMessageContaining("line 2: local_address has '\uFFFD' in '0100007\uFFFD'");
        Files.write(netstat, "TcpExt: ListenDrops\nTcpExt: 1\u00e9\n".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> view.read(0))
                .isInstanceOf(ProcFormatException.class)
                .hasMessageContaining("line 2: ListenDrops = '1\uFFFD\uFFFD' (expected an unsigned decimal count)");
    }

    @Test
    void netstatHeaderLongerThanTheBuffersAndBlankLinesBetweenSections() throws Exception {
        use("host");
        StringBuilder names = new StringBuilder("TcpExt:");
        StringBuilder values = new StringBuilder("TcpExt:");
        for (int i = 0; i < 5000; i++) {
            names.append(" Future").append(i);
            values.append(' ').append(i);
        }
        names.append(" ListenDrops");
        values.append(" 77");
        Files.writeString(netstat, "\n \t\nIpExt: A\nIpExt: 1\n\n" + names + "\n" + values + "\n\n");
        assertThat(view.read(0).counters().listenDrops()).isEqualTo(77);
        assertThat(view.read(0).counters().syncookiesSent()).isEqualTo(TcpExtCounters.ABSENT);
    }

    /** A flooded table: {@code synRecv} request sockets over four ports and two addresses. */
    private static String floodedTable(int synRecv) {
        StringBuilder text = new StringBuilder(HEADER);
        text.append("   0: 0100007F:1F90 00000000:0000 0A 00000000:00000003 00:00000000 00000000     0        0 1 1"
                + " 0000000000000000 100 0 0 10 0\n");
        for (int i = 0; i < synRecv; i++) {
            String local = (i % 2 == 0 ? "0100007F" : "0200007F") + ":" + String.format("%04X", 8080 + i % 4);
            String remote = String.format("%08X:%04X", 0x0013C6 + (i << 8), i & 0xFFFF);
            text.append(String.format("%4d: ", i + 1))
                    .append(local)
                    .append(' ')
                    .append(remote)
                    .append(" 03 00000000:00000000 01:00000026 00000000     0        0 0 0 00000000409361d8\n");
        }
        return text.toString();
    }

    @Test
    void aFloodedTableCountsRightAndAllocatesNothingPerSocket() throws Exception {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "needs per-thread allocation counts");
        threads.setThreadAllocatedMemoryEnabled(true);
        use("host");
        int synRecv = 20_000;
        Files.writeString(tcp, floodedTable(synRecv), StandardCharsets.US_ASCII);
        Files.writeString(tcp6, HEADER);

        KernelSnapshot s = null;
        for (int i = 0; i < 5; i++) {
            s = view.read(i);
        }
        assertThat(s.synRecvTotal()).isEqualTo(synRecv);
        assertThat(s.synRecvByPort())
                .containsExactly(
                        Map.entry(8080, synRecv / 4),
                        Map.entry(8081, synRecv / 4),
                        Map.entry(8082, synRecv / 4),
                        Map.entry(8083, synRecv / 4));
        assertThat(s.synRecvByEndpoint()).hasSize(4).containsValue(synRecv / 4);
        assertThat(s.acceptQueueByPort()).containsExactly(Map.entry(8080, 3));
        assertThat(s).isEqualTo(fresh(4));

        long before = threads.getCurrentThreadAllocatedBytes();
        int readings = 5;
        for (int i = 0; i < readings; i++) {
            view.read(i);
        }
        long perReading = (threads.getCurrentThreadAllocatedBytes() - before) / readings;
        // The snapshot, its maps of four ports and endpoints and one listener, and three file
        // handles: about 2.5 KB. Per-line Strings or per-socket keys would be megabytes here.
        assertThat(perReading).as("bytes allocated per reading").isLessThan(16 * 1024);
    }
}
