#!/usr/bin/env bash
# The unit's sandbox, under a real systemd: what `systemd-analyze verify` cannot tell.
#
# Boots systemd in a container (systemd-nspawn) whose root is this machine's own file system
# under a throw-away overlay (writes go to a tmpfs) and whose network is private (loopback
# only), installs the .deb there, and starts synguard.service with its full sandbox: user
# synguard, CAP_NET_RAW + CAP_NET_ADMIN only, ProtectSystem=strict, SystemCallFilter=
# @system-service with the default action switched to kill (a call outside the set kills the
# JVM instead of failing with EPERM, so it cannot go unnoticed), and so on. Then it checks:
#
#   - the JVM starts and keeps running: JIT, GC, a live pcap handle on lo (CAP_NET_RAW,
#     AF_PACKET), an `nft` child (CAP_NET_ADMIN passed on as an ambient capability),
#     /proc/net read, writes to /var/lib/synguard, none to /etc or /proc/sys;
#   - its capabilities are exactly CAP_NET_RAW and CAP_NET_ADMIN, its user synguard;
#   - logging goes through /etc/synguard/logback.xml: alerts.log, mode 0640, in /var/log/synguard;
#   - `systemctl reload` delivers SIGHUP and the process lives on;
#   - `systemctl stop` is a clean stop (the JVM's 143 counts as success) and ExecStopPost
#     deletes the nftables table inet synguard;
#   - dpkg -P with the unit enabled and running stops it, removes the enablement and the user.
#
# Until `synguard run` exists, ExecStart is replaced (drop-in) by a small Java program run from
# the installed jar's class path that does what the daemon does to the system (above). Once
# `synguard run` exists, the real command runs with interfaces = [ "lo" ].
#
# Needs root with CAP_SYS_ADMIN, overlayfs and systemd-nspawn (installs systemd-container);
# prints SKIP and exits 0 where a container cannot be booted. Takes about a minute. Nothing of
# it stays: the container, overlay and tmpfs are removed on exit.
#
# Checks run as `bash -c '...' _ ARGS`: the single quotes are meant.
# shellcheck disable=SC2016
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source=SCRIPTDIR/../lib/common.sh
source "$here/../lib/common.sh"
root="$(repo_root)"

skip_all() {
    echo "SKIP  unit sandbox: $*"
    exit 0
}
[[ "$(id -u)" -eq 0 ]] || skip_all "needs root"
grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null || true
grep -qw overlay /proc/filesystems || skip_all "no overlayfs in this kernel"
ensure_packages systemd-container

work="$(mktemp -d /tmp/synguard-sandbox.XXXXXX)"
nspawn_pid=""
cleanup() {
    if [[ -n "$nspawn_pid" ]] && kill -0 "$nspawn_pid" 2>/dev/null; then
        # SIGTERM to nspawn = poweroff of the container; SIGKILL if it does not go in 20 s.
        kill -TERM "$nspawn_pid" 2>/dev/null || true
        for _ in $(seq 1 40); do kill -0 "$nspawn_pid" 2>/dev/null || break; sleep 0.5; done
        kill -KILL "$nspawn_pid" 2>/dev/null || true
        wait "$nspawn_pid" 2>/dev/null || true
    fi
    umount "$work/merged" 2>/dev/null || umount -l "$work/merged" 2>/dev/null || true
    umount "$work/upper" 2>/dev/null || umount -l "$work/upper" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT


# The package: built by 40-packaging.sh in the same run, else built here.
debs=("$root"/target/synguard_*_all.deb)
if [[ ! -f "${debs[0]}" ]]; then
    find_jdk25
    log "mvn -B -q -Pdeb -DskipTests package"
    (cd "$root" && mvn -B -q -ntp -Pdeb -DskipTests package </dev/null 2>&1 | sed -u 's/\x1b\[[0-9;]*m//g') ||
        die "mvn -Pdeb package failed"
    debs=("$root"/target/synguard_*_all.deb)
fi
deb="${debs[0]}"

# Root of the container: / under an overlay whose upper layer is a tmpfs. Only the root file
# system is seen (not /proc, /sys, /dev, /tmp mounts): nspawn mounts its own.
mkdir -p "$work/upper" "$work/merged"
mount -t tmpfs -o size=2G,mode=0755 synguard-sandbox "$work/upper"
mkdir -p "$work/upper/u" "$work/upper/w"
mount -t overlay synguard-sandbox -o "lowerdir=/,upperdir=$work/upper/u,workdir=$work/upper/w" "$work/merged" ||
    skip_all "cannot mount an overlay of /"

# No machined registration and no scope (systemd may not be PID 1 here); a new machine id so
# the container's journal is its own; loopback-only network.
uuid="$(tr -d '-' </proc/sys/kernel/random/uuid)"
systemd-nspawn -D "$work/merged" -M synguard-sandbox --register=no --keep-unit --link-journal=no \
    --uuid="$uuid" --private-network --console=pipe -b </dev/null >"$work/console.log" 2>&1 &
nspawn_pid=$!

inside_pid=""
for _ in $(seq 1 120); do
    kill -0 "$nspawn_pid" 2>/dev/null || break
    inside_pid="$(pgrep -P "$nspawn_pid" | head -n1 || true)"
    if [[ -n "$inside_pid" ]]; then
        state="$(nsenter -t "$inside_pid" -a systemctl is-system-running 2>/dev/null || true)"
        [[ "$state" == running || "$state" == degraded ]] && break
    fi
    sleep 0.5
done
if [[ -z "$inside_pid" ]] || ! kill -0 "$nspawn_pid" 2>/dev/null; then
    sed 's/^/    /' "$work/console.log" | tail -n 20
    skip_all "systemd-nspawn could not boot a container here"
fi
inside() { nsenter -t "$inside_pid" -a "$@"; }
echo "container up: systemd $(inside systemctl is-system-running 2>/dev/null || true)"

# Install. policy-rc.d (in container images, it forbids starting services) would keep prerm
# from stopping the service: it is not on the hosts this package is for.
cp "$deb" "$work/merged/root/synguard.deb"
inside rm -f /usr/sbin/policy-rc.d
check "dpkg -i in the container" bash -c \
    'nsenter -t "$1" -a dpkg -i /root/synguard.deb >"$2" 2>&1 || { cat "$2"; false; }' _ "$inside_pid" "$work/dpkg-i.log"
check "installed unit is loaded, disabled, inactive" inside bash -c '
    [[ "$(systemctl show -p LoadState --value synguard)" == loaded ]] &&
    [[ "$(systemctl is-enabled synguard)" == disabled ]] && ! systemctl -q is-active synguard'

# The exposure as a running systemd computes it (40-packaging.sh checks the offline one).
inside systemd-analyze security synguard.service 2>/dev/null | grep -a "Overall exposure" | sed 's/^/    /' || true

# What runs: the daemon if this jar has it, else the stand-in.
mkdir -p "$work/merged/etc/systemd/system/synguard.service.d"
dropin="$work/merged/etc/systemd/system/synguard.service.d/test.conf"
cat >"$dropin" <<'EOF'
[Service]
# Default action (kill): a system call outside @system-service must not go unnoticed.
SystemCallErrorNumber=
EOF
# (picocli answers `run --help` with the top-level usage and 0 even without `run`: read the list.)
if inside /usr/bin/synguard --help 2>/dev/null | grep -qE '^ +run( |$)'; then
    mode=daemon
    sed -i 's/^  interfaces = .*/  interfaces = [ "lo" ]/' "$work/merged/etc/synguard/synguard.conf"
else
    mode=stand-in
    mkdir -p "$work/merged/opt/synguard-sandbox"
    cat >"$work/merged/opt/synguard-sandbox/StandIn.java" <<'EOF'
// Does to the system what `synguard run` will: live capture, /proc/net, nft, state and log files,
// signals; and makes the JIT and the GC work.
import java.nio.file.Files;
import java.nio.file.Path;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.Pcaps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public class StandIn {
    public static void main(String[] args) throws Exception {
        Logger log = LoggerFactory.getLogger("net.synguard.daemon.StandIn");
        Logger alerts = LoggerFactory.getLogger("synguard.alerts");
        sun.misc.Signal.handle(new sun.misc.Signal("HUP"), s -> {
            log.info("SIGHUP");
            alerts.info("{\"event\":\"config_reloaded\"}");
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("SIGTERM");
            ((ch.qos.logback.classic.LoggerContext) LoggerFactory.getILoggerFactory()).stop();
        }));
        log.info("netstat {} lines", Files.readAllLines(Path.of("/proc/net/netstat")).size());
        Files.writeString(Path.of("/var/lib/synguard/probe"), "x");
        expectFailure(log, Path.of("/etc/synguard/probe"));
        expectFailure(log, Path.of("/proc/sys/net/ipv4/tcp_syncookies"));
        int nft = new ProcessBuilder("/usr/sbin/nft", "add", "table", "inet", "synguard").inheritIO().start().waitFor();
        log.info("nft exit {}", nft);
        PcapHandle handle = Pcaps.getDevByName("lo").openLive(128, PcapNetworkInterface.PromiscuousMode.NONPROMISCUOUS, 100);
        long x = 0;
        for (int r = 0; r < 10; r++) {
            var keep = new java.util.ArrayList<long[]>();
            for (int i = 0; i < 2_000_000; i++) {
                x += i ^ (x >>> 3);
                if ((i & 1023) == 0) keep.add(new long[256]);
            }
        }
        alerts.info("{\"event\":\"attack_started\",\"attack_id\":\"sandbox-" + (x & 1) + "\"}");
        log.info("READY");
        while (true) {
            handle.getNextPacket();
            Thread.sleep(50);
        }
    }

    static void expectFailure(Logger log, Path p) {
        try {
            Files.writeString(p, "1");
            log.error("UNEXPECTED: could write {}", p);
        } catch (Exception e) {
            log.info("refused as expected: {}", e.toString());
        }
    }
}
EOF
    java="$(inside bash -c 'for d in /usr/lib/jvm/*; do [[ -x $d/bin/java ]] && grep -q "^JAVA_VERSION=\"2[5-9]" $d/release 2>/dev/null && echo $d/bin/java && break; done' || true)"
    [[ -n "$java" ]] || die "no JDK 25 in the container"
    cat >>"$dropin" <<EOF
ExecStart=
ExecStart=$java --enable-native-access=ALL-UNNAMED -Dorg.pcap4j.core.pcapLibName=libpcap.so.0.8 \$SYNGUARD_JAVA_OPTS -cp /usr/share/synguard/synguard.jar /opt/synguard-sandbox/StandIn.java
EOF
fi
echo "running: $mode"
inside systemctl daemon-reload

check "systemctl enable --now synguard" inside systemctl enable --now synguard
# Ready: the stand-in says READY; the daemon has had 20 s to open its capture.
for _ in $(seq 1 40); do
    if [[ $mode == stand-in ]] && inside journalctl -u synguard -o cat --no-pager 2>/dev/null | grep -q READY; then break; fi
    inside systemctl -q is-active synguard || break
    sleep 0.5
done
pid1="$(inside systemctl show -p MainPID --value synguard)"
check "running (MainPID $pid1)" inside systemctl -q is-active synguard
check "user synguard, capabilities exactly CAP_NET_RAW + CAP_NET_ADMIN (0x3000)" inside bash -c "
    [[ \$(stat -c %U /proc/$pid1) == synguard ]] &&
    grep -qx 'CapEff:[[:space:]]*0000000000003000' /proc/$pid1/status &&
    grep -qx 'CapBnd:[[:space:]]*0000000000003000' /proc/$pid1/status"
check "nothing refused that should not be" bash -c '! nsenter -t "$1" -a journalctl -u synguard -o cat --no-pager | grep -q UNEXPECTED' _ "$inside_pid"
if [[ $mode == daemon ]]; then
    # The unit allows IP traffic on loopback only (IPAddressDeny=any, IPAddressAllow=localhost):
    # the status endpoint on 127.0.0.1 must still answer, and the filter must be in place.
    check "synguard status answers over loopback under IPAddressAllow=localhost" \
        inside /usr/bin/synguard status --config /etc/synguard/synguard.conf
    # The kernel playbook's sysctl directories are writable in the service's mount namespace,
    # the rest of /proc/sys is not (ProtectKernelTunables=yes, ReadWritePaths=).
    # (A value written back unchanged; root in the service's mount namespace, so only the mount's
    # read-only flag can refuse it.)
    check "in the service: /proc/sys/net/ipv4 writable, /proc/sys/kernel read-only" inside bash -c "
        nsenter -t $pid1 -m sh -c 'cat /proc/sys/net/ipv4/tcp_synack_retries >/proc/sys/net/ipv4/tcp_synack_retries' &&
        nsenter -t $pid1 -m findmnt -no OPTIONS -T /proc/sys/kernel | grep -qE '(^|,)ro(,|\$)'"
    check "the unit's IP filter: deny any, allow localhost" inside bash -c '
        [[ "$(systemctl show -p IPAddressDeny --value synguard)" == *0.0.0.0/0* ]] &&
        [[ "$(systemctl show -p IPAddressAllow --value synguard)" == *127.0.0.0/8* ]]'
fi
if [[ $mode == stand-in ]]; then
    check "the JVM's nft child created table inet synguard" inside bash -c 'nft list table inet synguard >/dev/null'
    check "alerts.log written through /etc/synguard/logback.xml, synguard 0640" inside bash -c '
        [[ "$(stat -c "%U %a" /var/log/synguard/alerts.log)" == "synguard 640" ]] &&
        grep -q attack_started /var/log/synguard/alerts.log'
fi
check "systemctl reload: same process, still running" inside bash -c "
    systemctl reload synguard && sleep 2 && systemctl -q is-active synguard &&
    [[ \$(systemctl show -p MainPID --value synguard) == $pid1 ]]"
inside nft add table inet synguard # as a crash would leave it
check "systemctl stop: a clean stop" inside bash -c '
    systemctl stop synguard && [[ "$(systemctl show -p Result --value synguard)" == success ]]'
check "ExecStopPost deleted table inet synguard" bash -c '! nsenter -t "$1" -a nft list table inet synguard >/dev/null 2>&1' _ "$inside_pid"
inside journalctl -u synguard -o cat --no-pager | tail -n 15 | sed 's/^/    journal: /'

inside systemctl start synguard
sleep 3
check "dpkg -P with the service enabled and running: stopped, enablement, user and dirs gone" inside bash -c '
    dpkg -P synguard >/dev/null 2>&1 &&
    ! systemctl -q is-active synguard &&
    [[ ! -e /etc/systemd/system/multi-user.target.wants/synguard.service ]] &&
    ! getent passwd synguard >/dev/null && [[ ! -e /var/lib/synguard && ! -e /var/log/synguard ]]'

if ((failures > 0)); then
    echo "unit sandbox: $failures check(s) failed"
    exit 1
fi
echo "unit sandbox: all checks passed ($mode)"
