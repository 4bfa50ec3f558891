package net.synguard.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelViewTest {

    private static KernelSnapshot read(String tag, long timeNs) throws Exception {
        return new KernelView(
                        Fixtures.path(tag + "-netstat"),
                        Fixtures.path(tag + "-tcp"),
                        Fixtures.path(tag + "-tcp6"),
                        ByteOrder.LITTLE_ENDIAN)
                .read(timeNs);
    }

    @Test
    void snapshotOfANamespaceUnderSynPressure() throws Exception {
        KernelSnapshot s = read("ns-cookies", 42_000_000_000L);
        assertThat(s.readTimeNs()).isEqualTo(42_000_000_000L);
        assertThat(s.counters()).isEqualTo(new TcpExtCounters(5, 0, 0, 0, 5, 5, 5));
        assertThat(s.synRecvTotal()).isEqualTo(16);
        assertThat(s.synRecvByPort()).isEqualTo(Fixtures.ssSynRecvByPort("ns-cookies"));
        assertThat(s.listeners())
                .extracting(l -> l.local().toString())
                .containsExactly("[::1]:8080", "127.0.0.1:8080", "127.0.0.1:8081", "127.0.0.1:8082", "[::]:8083");
        assertThat(s.acceptQueueByPort())
                .containsExactly(Map.entry(8080, 0), Map.entry(8081, 0), Map.entry(8082, 0), Map.entry(8083, 0));
        assertThat(s.describe())
                .isEqualTo("kernel: syn_recv=16 (8080:8 8081:3 8082:3 8083:2) listeners=5"
                        + " accept_queue=0 SyncookiesSent=5 SyncookiesRecv=0 SyncookiesFailed=0 ListenOverflows=0"
                        + " ListenDrops=5 TCPReqQFullDrop=5 TCPReqQFullDoCookies=5");
    }

    @Test
    void acceptQueuesOnTheHost() throws Exception {
        KernelSnapshot s = read("host", 0);
        assertThat(s.acceptQueueByPort()).containsEntry(18080, 2).containsEntry(18081, 1);
        assertThat(s.synRecvTotal()).isZero();
        assertThat(s.describe()).startsWith("kernel: syn_recv=0 listeners=3 accept_queue=3 SyncookiesSent=0 ");
    }

    @Test
    void dropsThenCookiesBetweenReadings() throws Exception {
        KernelSnapshot before = read("ns-before", 0);
        KernelSnapshot noCookies = read("ns-nocookies", 1);
        KernelSnapshot cookies = read("ns-cookies", 2);

        assertThat(noCookies.droppingSyns(before)).isTrue();
        assertThat(noCookies.cookiesActive(before)).isFalse();

        assertThat(cookies.cookiesActive(noCookies)).isTrue();
        assertThat(cookies.droppingSyns(noCookies))
                .as("queue full but answered with cookies")
                .isFalse();
        assertThat(cookies.countersSince(noCookies)).isEqualTo(new TcpExtCounters(5, 0, 0, 0, 0, 0, 5));

        assertThat(before.cookiesActive(before)).isFalse();
        assertThat(before.droppingSyns(before)).isFalse();
    }

    @Test
    void absentCountersNeverLookActive() {
        KernelSnapshot none =
                new KernelSnapshot(0, TcpExtCounters.NONE, new TreeMap<>(), new TreeMap<>(), 0, List.of());
        assertThat(none.cookiesActive(none)).isFalse();
        assertThat(none.droppingSyns(none)).isFalse();
        assertThat(none.describe())
                .isEqualTo("kernel: syn_recv=0 listeners=0 accept_queue=0 SyncookiesSent=n/a"
                        + " SyncookiesRecv=n/a SyncookiesFailed=n/a ListenOverflows=n/a ListenDrops=n/a"
                        + " TCPReqQFullDrop=n/a TCPReqQFullDoCookies=n/a");
    }

    @Test
    void describeNamesTheBusiestPortsFirst() {
        TreeMap<Integer, Integer> ports = new TreeMap<>();
        for (int port = 1; port <= 10; port++) {
            ports.put(port, port);
        }
        KernelSnapshot s = new KernelSnapshot(0, TcpExtCounters.NONE, ports, new TreeMap<>(), 55, List.of());
        assertThat(s.describe()).startsWith("kernel: syn_recv=55 (10:10 9:9 8:8 7:7 6:6 5:5 4:4 3:3 +2 more) ");
    }

    @Test
    void snapshotIsImmutable() throws Exception {
        KernelSnapshot s = read("ns-cookies", 0);
        assertThatThrownBy(() -> s.synRecvByPort().put(1, 1)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> s.synRecvByEndpoint().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> s.listeners().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void procRootLayoutAndMissingTcp6(@TempDir Path root) throws Exception {
        Path net = Files.createDirectories(root.resolve("net"));
        Files.copy(Fixtures.path("ns-cookies-netstat"), net.resolve("netstat"));
        Files.copy(Fixtures.path("ns-cookies-tcp"), net.resolve("tcp"));
        // No tcp6: a kernel booted with ipv6.disable=1.
        KernelSnapshot s = KernelView.ofProcRoot(root).read(0);
        assertThat(s.synRecvTotal()).isEqualTo(11);
        assertThat(s.synRecvByPort()).containsExactly(Map.entry(8080, 5), Map.entry(8081, 3), Map.entry(8082, 3));
    }

    @Test
    void missingNetstatIsAnError(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("net"));
        assertThatThrownBy(() -> KernelView.ofProcRoot(root).read(0)).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void malformedTableNamesThePath(@TempDir Path root) throws Exception {
        Path net = Files.createDirectories(root.resolve("net"));
        Files.copy(Fixtures.path("host-netstat"), net.resolve("netstat"));
        Files.copy(Fixtures.path("host-tcp"), net.resolve("tcp"));
        Files.writeString(net.resolve("tcp6"), "  sl  local_address\n   0: 0000:0050\n");
        assertThatThrownBy(() -> KernelView.ofProcRoot(root).read(0))
                .isInstanceOfSatisfying(ProcFormatException.class, e -> {
                    assertThat(e.file()).isEqualTo(net.resolve("tcp6").toString());
                    assertThat(e.line()).isEqualTo(2);
                });
    }

    @Test
    void readsThisMachinesProc() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/net/netstat")), "needs Linux /proc");
        KernelSnapshot s = KernelView.ofDefaultProc().read(7);
        assertThat(s.readTimeNs()).isEqualTo(7);
        assertThat(s.counters().listenDrops()).isNotNegative();
        assertThat(s.counters().syncookiesSent()).isNotNegative();
        assertThat(s.describe()).startsWith("kernel: syn_recv=");
    }
}
