package net.synguard.kernel;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads the kernel's own view of SYN backlog pressure: TcpExt counters from
 * {@code net/netstat}, SYN_RECV sockets and listeners from {@code net/tcp} and {@code net/tcp6}.
 *
 * <p>These files are per network namespace. Under {@code /proc} they show the namespace of the
 * reading process; under {@code /proc/<pid>} that of process {@code pid}, which is how a daemon
 * in one namespace watches a server in another ({@link #ofProcRoot}).
 *
 * <p>Each file is streamed a line at a time; nothing holds the whole socket table. Reads are not
 * atomic across files or even within one (the kernel prints the hash table a bucket at a time
 * while sockets come and go), which is fine for a once-a-tick gauge.
 */
public final class KernelView {
    public static final Path DEFAULT_PROC_ROOT = Path.of("/proc");

    private final Path netstat;
    private final Path tcp;
    private final Path tcp6;
    private final ByteOrder order;

    public KernelView(Path netstat, Path tcp, Path tcp6) {
        this(netstat, tcp, tcp6, ByteOrder.nativeOrder());
    }

    /** {@code order}: the byte order of the kernel that wrote the files (tests read x86 captures anywhere). */
    public KernelView(Path netstat, Path tcp, Path tcp6, ByteOrder order) {
        this.netstat = netstat;
        this.tcp = tcp;
        this.tcp6 = tcp6;
        this.order = order;
    }

    /** {@code /proc} for this process's namespace, {@code /proc/<pid>} for another process's. */
    public static KernelView ofProcRoot(Path procRoot) {
        Path net = procRoot.resolve("net");
        return new KernelView(net.resolve("netstat"), net.resolve("tcp"), net.resolve("tcp6"));
    }

    public static KernelView ofDefaultProc() {
        return ofProcRoot(DEFAULT_PROC_ROOT);
    }

    /**
     * @param readTimeNs the caller's clock, carried into the snapshot
     * @throws ProcFormatException when a file is not in the kernel's format
     * @throws IOException when netstat or tcp cannot be read; a missing tcp6 (booted with
     *     ipv6.disable=1) reads as no IPv6 sockets
     */
    public KernelSnapshot read(long readTimeNs) throws IOException {
        TcpExtCounters counters;
        try (BufferedReader reader = open(netstat)) {
            counters = NetstatParser.parse(reader, netstat.toString());
        }
        SynRecvCounts sockets = new SynRecvCounts();
        try (BufferedReader reader = open(tcp)) {
            SocketTableParser.parse(reader, tcp.toString(), order, sockets);
        }
        try (BufferedReader reader = open(tcp6)) {
            SocketTableParser.parse(reader, tcp6.toString(), order, sockets);
        } catch (NoSuchFileException e) {
            // No IPv6 in this kernel: no IPv6 sockets to count.
        }
        return KernelSnapshot.of(readTimeNs, counters, sockets);
    }

    private static BufferedReader open(Path file) throws IOException {
        // The kernel prints these files in ASCII only.
        return Files.newBufferedReader(file, StandardCharsets.US_ASCII);
    }
}
