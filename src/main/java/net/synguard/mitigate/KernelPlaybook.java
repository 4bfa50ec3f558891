package net.synguard.mitigate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import net.synguard.kernel.Sysctls;

/**
 * The optional kernel playbook while an attack is mitigated (DESIGN.md, "Mitigation"): each
 * configured sysctl is set by {@link #apply} and put back by {@link #restore}.
 *
 * <pre>
 *  net.ipv4.tcp_syncookies         0..2      1: cookies once the SYN queue overflows, 2: always
 *                                            (net/ipv4/syncookies.c, tcp_conn_request)
 *  net.ipv4.tcp_max_syn_backlog    1..2^31-1 half-open requests a listener queues (before cookies,
 *                                            or drops when cookies are off)
 *  net.ipv4.tcp_synack_retries     0..255    SYN-ACK retransmissions before a half-open request is
 *                                            given up: 5 keeps it about 63 s, 1 about 3 s
 *  net.netfilter.nf_conntrack_tcp_loose 0..1 0: conntrack does not pick up connections it did not
 *                                            see start, so the last ACK of a handshake answered by
 *                                            the kernel-synproxy engine is "invalid" and reaches
 *                                            the synproxy rule; with the default 1 it is taken for
 *                                            a new connection, reaches the listener, and the client
 *                                            gets an RST (measured, tests/e2e/66-nft-synproxy.sh)
 * </pre>
 *
 * <p>Each file is read and written whole, as sysctl(8) does: the network sysctls are per network
 * namespace, and writing them needs CAP_NET_ADMIN in the namespace's owner (net/sysctl_net.c,
 * net_ctl_permissions), not root. Under systemd's {@code ProtectKernelTunables=yes} /proc/sys is a
 * read-only mount and every write fails with "Read-only file system": the change says so.
 *
 * <p>{@link #restore} puts a value back only while it still reads what {@link #apply} wrote: an
 * operator who tuned the sysctl during the attack keeps the newer value, and the change says that
 * it was left alone. Nothing here throws for I/O: every step is reported as a {@link SysctlChange}.
 */
public final class KernelPlaybook {
    /** The usual directory of the {@code net.ipv4} sysctls. */
    public static final Path PROC_SYS_NET_IPV4 = Path.of("/proc/sys/net/ipv4");

    private record Step(String name, Path file, int value) {}

    /** A step apply() changed: restore() writes {@code before} back while the file reads {@code written}. */
    private record Done(Step step, String before, String written) {}

    private final List<Step> steps;
    private List<Done> done;

    /**
     * @param dir the {@code net.ipv4} sysctls: normally {@link #PROC_SYS_NET_IPV4}; tests pass a
     *     directory of plain files
     * @throws IllegalArgumentException when a value is out of the range above
     */
    public KernelPlaybook(Path dir, OptionalInt syncookies, OptionalInt maxSynBacklog, OptionalInt synackRetries) {
        this(dir, syncookies, maxSynBacklog, synackRetries, OptionalInt.empty());
    }

    /**
     * @param conntrackTcpLoose {@code net.netfilter.nf_conntrack_tcp_loose}, read and written in
     *     {@code netfilter/} beside {@code dir} ({@code /proc/sys/net/netfilter}); 0 is what the
     *     kernel-synproxy engine needs while it is enforcing
     * @throws IllegalArgumentException when a value is out of the range above
     */
    public KernelPlaybook(
            Path dir,
            OptionalInt syncookies,
            OptionalInt maxSynBacklog,
            OptionalInt synackRetries,
            OptionalInt conntrackTcpLoose) {
        Objects.requireNonNull(dir, "dir");
        List<Step> s = new ArrayList<>(4);
        add(s, dir, "tcp_syncookies", syncookies, 0, 2);
        add(s, dir, "tcp_max_syn_backlog", maxSynBacklog, 1, Integer.MAX_VALUE);
        add(s, dir, "tcp_synack_retries", synackRetries, 0, 255);
        Path netfilter = dir.toAbsolutePath().resolveSibling("netfilter");
        if (Objects.requireNonNull(conntrackTcpLoose, "conntrackTcpLoose").isPresent()) {
            int v = check("net.netfilter.nf_conntrack_tcp_loose", conntrackTcpLoose.getAsInt(), 0, 1);
            s.add(new Step("net.netfilter.nf_conntrack_tcp_loose", netfilter.resolve("nf_conntrack_tcp_loose"), v));
        }
        this.steps = List.copyOf(s);
    }

    private static void add(List<Step> steps, Path dir, String file, OptionalInt value, int min, int max) {
        Objects.requireNonNull(value, file);
        if (value.isPresent()) {
            String name = "net.ipv4." + file;
            steps.add(new Step(name, dir.resolve(file), check(name, value.getAsInt(), min, max)));
        }
    }

    private static int check(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(
                    name + " = " + value + " out of range (expected " + min + ".." + max + ", or keep)");
        }
        return value;
    }

    /** No step configured: apply and restore do nothing. */
    public boolean isEmpty() {
        return steps.isEmpty();
    }

    /** Whether apply() has run and restore() has not yet. */
    public synchronized boolean applied() {
        return done != null;
    }

    /**
     * Sets each configured sysctl, remembering what it read before: one change per step, in the
     * order above. A step whose value is already the target writes nothing (and restore leaves it).
     * While applied, another call changes nothing and returns an empty list.
     */
    public synchronized List<SysctlChange> apply() {
        if (done != null) {
            return List.of();
        }
        List<SysctlChange> out = new ArrayList<>(steps.size());
        List<Done> changed = new ArrayList<>(steps.size());
        for (Step step : steps) {
            String target = Integer.toString(step.value());
            String before;
            try {
                before = Sysctls.read(step.file());
            } catch (IOException e) {
                out.add(new SysctlChange(step.name(), null, null, "cannot read " + step.file() + ": " + reason(e)));
                continue;
            }
            if (before.equals(target)) {
                out.add(new SysctlChange(step.name(), before, before, null));
                continue;
            }
            try {
                write(step.file(), target);
            } catch (IOException e) {
                out.add(new SysctlChange(
                        step.name(),
                        before,
                        before,
                        "cannot write " + target + " to " + step.file() + ": " + reason(e)));
                continue;
            }
            String after = readBack(step.file(), target);
            changed.add(new Done(step, before, after));
            out.add(new SysctlChange(
                    step.name(),
                    before,
                    after,
                    after.equals(target) ? null : "wrote " + target + " to " + step.file() + " but it reads " + after));
        }
        done = changed;
        return out;
    }

    /**
     * Puts back what {@link #apply} changed, one change per changed step: the value from before,
     * unless the sysctl no longer reads what apply wrote (then it is left as it is, and the change
     * says so). Without a preceding apply, an empty list.
     */
    public synchronized List<SysctlChange> restore() {
        if (done == null) {
            return List.of();
        }
        List<SysctlChange> out = new ArrayList<>(done.size());
        for (Done d : done) {
            Step step = d.step();
            String current;
            try {
                current = Sysctls.read(step.file());
            } catch (IOException e) {
                out.add(new SysctlChange(
                        step.name(),
                        null,
                        null,
                        "cannot read " + step.file() + ": " + reason(e) + "; " + d.before() + " not restored"));
                continue;
            }
            if (!current.equals(d.written())) {
                out.add(new SysctlChange(
                        step.name(),
                        current,
                        current,
                        "left at " + current + ": changed since synguard set " + d.written() + " (it was " + d.before()
                                + " before)"));
                continue;
            }
            try {
                write(step.file(), d.before());
            } catch (IOException e) {
                out.add(new SysctlChange(
                        step.name(),
                        current,
                        current,
                        "cannot write " + d.before() + " back to " + step.file() + ": " + reason(e)));
                continue;
            }
            String after = readBack(step.file(), d.before());
            out.add(new SysctlChange(
                    step.name(),
                    current,
                    after,
                    after.equals(d.before())
                            ? null
                            : "wrote " + d.before() + " to " + step.file() + " but it reads " + after));
        }
        done = null;
        return out;
    }

    /** What the file holds after a write; the written value itself when it cannot be read back. */
    private static String readBack(Path file, String written) {
        try {
            return Sysctls.read(file);
        } catch (IOException e) {
            return written;
        }
    }

    /**
     * Writes {@code value} and a newline as one write(2), as sysctl(8) does. No CREATE: a sysctl
     * this kernel does not have is an error, not a new file.
     */
    private static void write(Path file, String value) throws IOException {
        Files.writeString(
                file,
                value + "\n",
                StandardCharsets.US_ASCII,
                StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
    }

    /** "Read-only file system (...)", "no such file", "permission denied": the reason, not the path again. */
    private static String reason(IOException e) {
        String why;
        if (e instanceof NoSuchFileException) {
            why = "no such file (not a sysctl of this kernel?)";
        } else if (e instanceof AccessDeniedException) {
            why = "permission denied (needs CAP_NET_ADMIN)";
        } else if (e instanceof FileSystemException f && f.getReason() != null) {
            why = f.getReason();
        } else {
            why = String.valueOf(e.getMessage());
        }
        if (why.contains("Read-only file system")) {
            why += " (under systemd, ProtectKernelTunables=yes; see systemd/synguard.service)";
        }
        return why;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("kernel playbook:");
        if (steps.isEmpty()) {
            b.append(" none");
        }
        for (Step s : steps) {
            b.append(' ').append(s.name()).append('=').append(s.value());
        }
        return b.toString();
    }
}
