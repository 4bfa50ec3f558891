package net.synguard.mitigate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The playbook against a directory of plain files laid out as /proc/sys/net ({@code ipv4/} and
 * {@code netfilter/}). The real /proc/sys, in a network namespace of its own, is exercised by
 * tests/e2e/66-nft-synproxy.sh.
 */
class KernelPlaybookTest {
    private static final OptionalInt KEEP = OptionalInt.empty();

    @TempDir
    Path net;

    private Path ipv4;

    @BeforeEach
    void kernelDefaults() throws IOException {
        ipv4 = Files.createDirectories(net.resolve("ipv4"));
        Files.createDirectories(net.resolve("netfilter"));
        // As the kernel prints them: the value and a newline.
        Files.writeString(ipv4.resolve("tcp_syncookies"), "1\n");
        Files.writeString(ipv4.resolve("tcp_max_syn_backlog"), "2048\n");
        Files.writeString(ipv4.resolve("tcp_synack_retries"), "5\n");
        Files.writeString(net.resolve("netfilter/nf_conntrack_tcp_loose"), "1\n");
    }

    private String file(String name) throws IOException {
        return Files.readString(net.resolve(name));
    }

    private KernelPlaybook all(int syncookies, int backlog, int retries, int loose) {
        return new KernelPlaybook(
                ipv4,
                OptionalInt.of(syncookies),
                OptionalInt.of(backlog),
                OptionalInt.of(retries),
                OptionalInt.of(loose));
    }

    @Test
    void appliesAndRestoresEveryStep() throws IOException {
        KernelPlaybook p = all(2, 128, 1, 0);
        assertThat(p.isEmpty()).isFalse();
        assertThat(p.applied()).isFalse();

        List<SysctlChange> applied = p.apply();
        assertThat(applied)
                .containsExactly(
                        new SysctlChange("net.ipv4.tcp_syncookies", "1", "2", null),
                        new SysctlChange("net.ipv4.tcp_max_syn_backlog", "2048", "128", null),
                        new SysctlChange("net.ipv4.tcp_synack_retries", "5", "1", null),
                        new SysctlChange("net.netfilter.nf_conntrack_tcp_loose", "1", "0", null));
        assertThat(applied).allSatisfy(c -> assertThat(c.ok() && c.changed()).isTrue());
        assertThat(file("ipv4/tcp_syncookies")).isEqualTo("2\n");
        assertThat(file("ipv4/tcp_max_syn_backlog")).isEqualTo("128\n");
        assertThat(file("ipv4/tcp_synack_retries")).isEqualTo("1\n");
        assertThat(file("netfilter/nf_conntrack_tcp_loose")).isEqualTo("0\n");
        assertThat(p.applied()).isTrue();

        assertThat(p.apply()).as("idempotent while applied").isEmpty();
        assertThat(file("ipv4/tcp_max_syn_backlog")).isEqualTo("128\n");

        List<SysctlChange> restored = p.restore();
        assertThat(restored)
                .containsExactly(
                        new SysctlChange("net.ipv4.tcp_syncookies", "2", "1", null),
                        new SysctlChange("net.ipv4.tcp_max_syn_backlog", "128", "2048", null),
                        new SysctlChange("net.ipv4.tcp_synack_retries", "1", "5", null),
                        new SysctlChange("net.netfilter.nf_conntrack_tcp_loose", "0", "1", null));
        assertThat(file("ipv4/tcp_syncookies")).isEqualTo("1\n");
        assertThat(file("ipv4/tcp_max_syn_backlog")).isEqualTo("2048\n");
        assertThat(file("ipv4/tcp_synack_retries")).isEqualTo("5\n");
        assertThat(file("netfilter/nf_conntrack_tcp_loose")).isEqualTo("1\n");
        assertThat(p.applied()).isFalse();
        assertThat(p.restore()).as("nothing left to restore").isEmpty();

        // And again: the next attack remembers afresh.
        assertThat(p.apply()).hasSize(4);
        assertThat(p.restore()).hasSize(4);
        assertThat(file("ipv4/tcp_max_syn_backlog")).isEqualTo("2048\n");
    }

    @Test
    void keepLeavesASysctlAlone() throws IOException {
        KernelPlaybook p = new KernelPlaybook(ipv4, KEEP, OptionalInt.of(4096), KEEP);
        assertThat(p.apply()).containsExactly(new SysctlChange("net.ipv4.tcp_max_syn_backlog", "2048", "4096", null));
        assertThat(file("ipv4/tcp_syncookies")).isEqualTo("1\n");
        assertThat(p.restore()).hasSize(1);
        assertThat(p.toString()).isEqualTo("kernel playbook: net.ipv4.tcp_max_syn_backlog=4096");

        KernelPlaybook none = new KernelPlaybook(ipv4, KEEP, KEEP, KEEP);
        assertThat(none.isEmpty()).isTrue();
        assertThat(none.apply()).isEmpty();
        assertThat(none.restore()).isEmpty();
        assertThat(none.toString()).isEqualTo("kernel playbook: none");
    }

    @Test
    void aValueAlreadyInPlaceIsNotWrittenNorRestored() throws IOException {
        KernelPlaybook p = new KernelPlaybook(ipv4, OptionalInt.of(1), OptionalInt.of(256), KEEP);
        List<SysctlChange> applied = p.apply();
        assertThat(applied.getFirst()).isEqualTo(new SysctlChange("net.ipv4.tcp_syncookies", "1", "1", null));
        assertThat(applied.getFirst().changed()).isFalse();
        // Whatever happens to it meanwhile is not ours to undo.
        Files.writeString(ipv4.resolve("tcp_syncookies"), "0\n");
        assertThat(p.restore()).containsExactly(new SysctlChange("net.ipv4.tcp_max_syn_backlog", "256", "2048", null));
        assertThat(file("ipv4/tcp_syncookies")).isEqualTo("0\n");
    }

    @Test
    void anOperatorsNewerValueIsLeftAndSaidSo() throws IOException {
        KernelPlaybook p = all(2, 128, 1, 0);
        p.apply();
        // During the attack the operator raises the backlog by hand.
        Files.writeString(ipv4.resolve("tcp_max_syn_backlog"), "8192\n");
        List<SysctlChange> restored = p.restore();
        assertThat(restored).hasSize(4);
        SysctlChange backlog = restored.get(1);
        assertThat(backlog.name()).isEqualTo("net.ipv4.tcp_max_syn_backlog");
        assertThat(backlog.before()).isEqualTo("8192");
        assertThat(backlog.after()).isEqualTo("8192");
        assertThat(backlog.error()).isEqualTo("left at 8192: changed since synguard set 128 (it was 2048 before)");
        assertThat(file("ipv4/tcp_max_syn_backlog")).isEqualTo("8192\n");
        // The others are restored as usual.
        assertThat(restored.get(0).ok()).isTrue();
        assertThat(file("ipv4/tcp_syncookies")).isEqualTo("1\n");
        assertThat(file("netfilter/nf_conntrack_tcp_loose")).isEqualTo("1\n");
        assertThat(p.applied()).isFalse();
    }

    @Test
    void aFileThatCannotBeReadIsReportedAndTheRestGoesOn() throws IOException {
        // A directory where the sysctl should be, and a sysctl this "kernel" does not have.
        Files.delete(ipv4.resolve("tcp_synack_retries"));
        Files.createDirectory(ipv4.resolve("tcp_synack_retries"));
        Files.delete(net.resolve("netfilter/nf_conntrack_tcp_loose"));
        Files.delete(net.resolve("netfilter"));
        KernelPlaybook p = all(2, 128, 1, 0);
        List<SysctlChange> applied = p.apply();
        assertThat(applied).hasSize(4);
        assertThat(applied.get(0).ok()).isTrue();
        assertThat(applied.get(1).ok()).isTrue();
        assertThat(applied.get(2).before()).isNull();
        assertThat(applied.get(2).error())
                .startsWith("cannot read " + ipv4.resolve("tcp_synack_retries") + ": ")
                .contains("directory");
        assertThat(applied.get(3).error())
                .isEqualTo("cannot read " + net.resolve("netfilter/nf_conntrack_tcp_loose")
                        + ": no such file (not a sysctl of this kernel?)");
        // Only what was changed comes back.
        assertThat(p.restore())
                .extracting(SysctlChange::name)
                .containsExactly("net.ipv4.tcp_syncookies", "net.ipv4.tcp_max_syn_backlog");
        assertThat(file("ipv4/tcp_syncookies")).isEqualTo("1\n");
    }

    @Test
    void aFileThatCannotBeWrittenIsReported() throws IOException {
        // Readable, never writable, not even by root: the kernel's count of open files (0444). As
        // root, chmod would not stop a write to a plain file.
        Path readOnly = Path.of("/proc/sys/fs/file-nr");
        assumeTrue(Files.isReadable(readOnly), "needs Linux /proc");
        Files.delete(ipv4.resolve("tcp_syncookies"));
        Files.createSymbolicLink(ipv4.resolve("tcp_syncookies"), readOnly);
        KernelPlaybook p = new KernelPlaybook(ipv4, OptionalInt.of(2), OptionalInt.of(128), KEEP);
        List<SysctlChange> applied = p.apply();
        SysctlChange cookies = applied.getFirst();
        assertThat(cookies.before()).isEqualTo(cookies.after()).isNotNull();
        assertThat(cookies.changed()).isFalse();
        assertThat(cookies.error())
                .isEqualTo("cannot write 2 to " + ipv4.resolve("tcp_syncookies")
                        + ": permission denied (needs CAP_NET_ADMIN)");
        assertThat(applied.get(1).ok()).isTrue();
        assertThat(p.restore()).containsExactly(new SysctlChange("net.ipv4.tcp_max_syn_backlog", "128", "2048", null));
        // @TempDir warns about links that point outside it.
        Files.delete(ipv4.resolve("tcp_syncookies"));
    }

    @Test
    void outOfRangeValuesAreRefused() {
        assertThatThrownBy(() -> new KernelPlaybook(ipv4, OptionalInt.of(3), KEEP, KEEP))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("net.ipv4.tcp_syncookies = 3 out of range (expected 0..2, or keep)");
        assertThatThrownBy(() -> new KernelPlaybook(ipv4, OptionalInt.of(-1), KEEP, KEEP))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new KernelPlaybook(ipv4, KEEP, OptionalInt.of(0), KEEP))
                .hasMessage("net.ipv4.tcp_max_syn_backlog = 0 out of range (expected 1..2147483647, or keep)");
        assertThatThrownBy(() -> new KernelPlaybook(ipv4, KEEP, KEEP, OptionalInt.of(256)))
                .hasMessage("net.ipv4.tcp_synack_retries = 256 out of range (expected 0..255, or keep)");
        assertThatThrownBy(() -> new KernelPlaybook(ipv4, KEEP, KEEP, OptionalInt.of(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new KernelPlaybook(ipv4, KEEP, KEEP, KEEP, OptionalInt.of(2)))
                .hasMessage("net.netfilter.nf_conntrack_tcp_loose = 2 out of range (expected 0..1, or keep)");
        // The edges are fine; 0 SYN-ACK retries is the kernel's "send one, never repeat".
        new KernelPlaybook(ipv4, OptionalInt.of(0), OptionalInt.of(1), OptionalInt.of(0), OptionalInt.of(0));
        new KernelPlaybook(
                ipv4, OptionalInt.of(2), OptionalInt.of(Integer.MAX_VALUE), OptionalInt.of(255), OptionalInt.of(1));
    }

    @Test
    void theUsualPaths() {
        assertThat(KernelPlaybook.PROC_SYS_NET_IPV4).isEqualTo(Path.of("/proc/sys/net/ipv4"));
        assertThat(new KernelPlaybook(KernelPlaybook.PROC_SYS_NET_IPV4, KEEP, KEEP, KEEP, OptionalInt.of(0)).toString())
                .isEqualTo("kernel playbook: net.netfilter.nf_conntrack_tcp_loose=0");
    }
}
