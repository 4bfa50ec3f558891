package net.synguard.kernel;

import java.io.IOException;
import java.nio.ByteOrder;
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
 * <p>Each file is streamed a line at a time; nothing holds the whole socket table. A view keeps
 * its read buffer, parsers and counts from one reading to the next, so that in steady state a
 * reading allocates only the snapshot and its small maps (sized by listeners and ports, never by
 * sockets) and the file handles; {@link #read} is synchronized for that reason. Reads are not
 * atomic across files or even within one (the kernel prints the hash table a bucket at a time
 * while sockets come and go), which is fine for a once-a-tick gauge.
 */
public final class KernelView {
    public static final Path DEFAULT_PROC_ROOT = Path.of("/proc");

    private final Path netstat;
    private final Path tcp;
    private final Path tcp6;
    private final ByteOrder order;
    private final ProcLines lines = new ProcLines();
    private final NetstatParser netstatParser = new NetstatParser();
    private final SynRecvCounts sockets = new SynRecvCounts();
    private TcpExtCounters lastCounters;

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
    public synchronized KernelSnapshot read(long readTimeNs) throws IOException {
        TcpExtCounters counters;
        try {
            lines.open(netstat);
            counters = netstatParser.parse(lines, netstat.toString(), lastCounters);
            sockets.clear();
            lines.open(tcp);
            SocketTableParser.parse(lines, tcp.toString(), order, sockets);
            try {
                lines.open(tcp6);
                SocketTableParser.parse(lines, tcp6.toString(), order, sockets);
            } catch (NoSuchFileException e) {
                // No IPv6 in this kernel: no IPv6 sockets to count.
            }
        } finally {
            lines.close();
        }
        lastCounters = counters;
        return KernelSnapshot.of(readTimeNs, counters, sockets);
    }
}
