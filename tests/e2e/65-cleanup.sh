#!/usr/bin/env bash
# Fail open, clean up (DESIGN.md decision 6), with the real daemon in the namespace lab
# (tests/lab/lab.sh): `synguard run` as the shipped unit starts it, in the server namespace, with
# mitigation mode "always" (the daemon installs `table inet synguard` at start and activates
# 198.18.0.1:80 at once).
#
#   a. SIGKILL during a spoofed flood: the table outlives the daemon (nothing ran to remove it) and
#      keeps dropping a new client's SYNs with nobody left to verify it; the next start replaces
#      it (a marker set added to the leftover is gone, its counters are back at 0), and a clean
#      stop (SIGTERM) removes it;
#   b. SIGKILL again, then the unit's ExecStopPost command line, read from systemd/synguard.service
#      and run word for word (systemd's `\;` unescaped, its `-` prefix dropped) in the server
#      namespace, removes the leftover table; run once more with no table, it still succeeds (the
#      normal stop, where the daemon already removed it, writes no error).
#
# Bounded (re-runs itself under `timeout 110`); traps remove the namespaces and stop every process.
# The jar comes from SG_BUILD_DIR (default target/), built with `mvn -DskipTests package` if missing.
set -euo pipefail

if [[ -z "${SG_CLEANUP_BOUNDED:-}" ]]; then
    export SG_CLEANUP_BOUNDED=1
    exec timeout -k 10 110 bash "$0" "$@"
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source=SCRIPTDIR/../lib/common.sh
source "$here/../lib/common.sh"
root="$(repo_root)"
# shellcheck source=SCRIPTDIR/../lab/lab.sh
source "$root/tests/lab/lab.sh"

[[ "$(id -u)" -eq 0 ]] || die "needs root (network namespaces)"
ensure_packages iproute2 nftables nginx tcpreplay python3 libpcap0.8
find_jdk25
build="${SG_BUILD_DIR:-$root/target}"
if [[ ! -f "$build/synguard.jar" ]]; then
    log "building $build/synguard.jar"
    (cd "$root" && mvn -q -B -DskipTests -DbuildDir="$build" package </dev/null 2>&1 | sed -u 's/\x1b\[[0-9;]*m//g') ||
        die "maven build failed"
fi
export SYNGUARD_JAR="$build/synguard.jar"

work="$(mktemp -d)"
trap 'cp "$work"/daemon-*.log /tmp/ 2>/dev/null; rm -rf "$work"' EXIT
lab_trap

lab_up
lab_server_sysctls 1
lab_start_http 80
lab_flood_prepare 60000 80

srv() { lab_ns_exec "$LAB_SRV" "$@"; }
table_present() { srv nft list table inet synguard >/dev/null 2>&1; }
table_absent() { ! table_present; }
active_has_service() { [[ "$(srv nft list set inet synguard active4 2>/dev/null)" == *"$LAB_SRV_IP . 80"* ]]; }
http_ok() { [[ "$(lab_http_get "$LAB_SRV_IP" 80 2>/dev/null || true)" == "HTTP/1."*" 200"* ]]; }
http_fails() { ! http_ok; }
wait_for() { # wait_for SECONDS COMMAND...: poll every 50 ms until COMMAND succeeds
    local deadline=$(($(date +%s%N) + $1 * 1000000000))
    shift
    until "$@"; do
        (($(date +%s%N) < deadline)) || return 1
        sleep 0.05
    done
}

conf="$work/synguard.conf"
mkdir -m 0700 "$work/state"
cat >"$conf" <<EOF
synguard {
  interfaces = [ "$LAB_IF" ]
  protect = [ { address = "$LAB_SRV_IP", ports = [ 80 ] } ]
  mitigation { mode = "always", handoff = "retry" }
  alerts { file = "$work/alerts.log" }
  metrics { listen = "127.0.0.1:9479" }
  state-dir = "$work/state"
}
EOF

# The unit's command line and JVM options, with its /etc and /var paths moved into $work.
lab_unit_command "$conf" "$work"
exec_args="$LAB_UNIT_ARGS" java_opts="$LAB_UNIT_JAVA_OPTS"

DAEMON=""
daemon_answers() { # status 0 when the daemon answers `synguard status`; stops the wait when it died
    kill -0 "$DAEMON" 2>/dev/null || die "the daemon exited: $(tail -3 "$work"/daemon-*.log | tr '\n' ' ')"
    srv "$root/bin/synguard" status --config "$conf" >/dev/null 2>&1
}
start_daemon() { # start_daemon TAG: start it, wait until it answers status and its service is active
    local tag="$1"
    # shellcheck disable=SC2086 # the unit's argument words
    # Not through srv(): $! must be the daemon's own pid (ip netns exec, env and the launcher all
    # exec into the JVM) for the signals below.
    ip netns exec "$LAB_SRV" env SYNGUARD_JAVA_OPTS="$java_opts" SYNGUARD_JAR="$SYNGUARD_JAR" \
        "$root/bin/synguard" $exec_args >"$work/daemon-$tag.log" 2>&1 &
    DAEMON=$!
    lab_register_pid "$DAEMON"
    if ! wait_for 30 daemon_answers || ! wait_for 10 active_has_service; then
        tail -30 "$work/daemon-$tag.log" >&2
        die "daemon ($tag) did not come up with 198.18.0.1:80 active within 40 s"
    fi
    log "daemon ($tag) up, pid $DAEMON, 198.18.0.1:80 active"
}
kill9_daemon() { # SIGKILL the JVM; waits for it
    kill -KILL "$DAEMON"
    wait "$DAEMON" 2>/dev/null || true
    lab_stop_pid "$DAEMON" 2>/dev/null || true
    DAEMON=""
}
none_in_server_ns() { # none_in_server_ns COMM: no process named COMM in the server namespace
    local pid
    for pid in $(ip netns pids "$LAB_SRV"); do
        [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == "$1" ]] && return 1
    done
    return 0
}

# ---------------------------------------------------------------- a. SIGKILL, restart, SIGTERM
start_daemon first
check "table inet synguard installed at start (mode always)" table_present
check "... with 198.18.0.1:80 active" active_has_service
lab_flood 20000 60000 80 &
flood=$!
lab_register_pid "$flood"
sleep 1.5
kill9_daemon
log "before the kill, the alert log had $(grep -c '"event":"attack_started"' "$work/alerts.log" 2>/dev/null || echo 0) attack_started event(s)"
wait "$flood" || true
check "SIGKILL during the flood: the daemon is gone" none_in_server_ns java
check "... and so is its nft -i child (EOF on its stdin)" wait_for 3 none_in_server_ns nft
check "the crash left the table behind" table_present
check "... still enforcing 198.18.0.1:80" active_has_service
listing="$(srv nft list table inet synguard)"
dropped="$(awk '/comment "unverified4"$/ { for (i = 1; i <= NF; i++) if ($i == "packets") print $(i + 1) }' <<<"$listing")"
check "... and dropping: all 60000 flood SYNs, before and after the kill (${dropped:-none})" ge "${dropped:-0}" 60000
check "the leftover table drops a new client's SYNs: nobody is left to verify it" http_fails
# A marker the fresh table cannot have: proof that the next start replaced the table.
srv nft add set inet synguard sgcrashmarker '{ type ipv4_addr; }'
check "marker set added to the leftover table" grep -q sgcrashmarker <<<"$(srv nft list table inet synguard)"

start_daemon second
listing="$(srv nft list table inet synguard)"
check "the next start replaced the leftover table (marker gone)" eq "$(grep -c sgcrashmarker <<<"$listing" || true)" 0
check "... with fresh counters" grep -q 'counter packets 0 bytes 0 drop comment "unverified4"' <<<"$listing"
check "... and 198.18.0.1:80 active again" active_has_service
kill -TERM "$DAEMON"
rc=0
wait "$DAEMON" || rc=$?
lab_stop_pid "$DAEMON" 2>/dev/null || true
DAEMON=""
check "SIGTERM: a clean stop (exit $rc: 0 or 143)" test "$rc" -eq 0 -o "$rc" -eq 143
check "SIGTERM: the table is removed" table_absent
check "with no table, a client connects directly" http_ok

# ---------------------------------------------------------------- b. SIGKILL, then ExecStopPost
start_daemon third
kill9_daemon
check "SIGKILL again: the table is left behind" table_present
unit="$root/systemd/synguard.service"
line="$(sed -n 's/^ExecStopPost=//p' "$unit")"
[[ -n "$line" ]] || die "no ExecStopPost= in $unit"
[[ "$(grep -c '^ExecStopPost=' "$unit")" -eq 1 ]] || die "more than one ExecStopPost= in $unit"
# systemd.service(5): leading "-" (ignore failure), "@", ":", "+", "!" are prefixes, not the program;
# "\;" in the line is a literal ";" argument. No shell: the words as systemd would exec them.
while [[ "$line" == [-@:+!]* ]]; do line="${line:1}"; done
read -r -a argv <<<"$line"
for i in "${!argv[@]}"; do
    [[ "${argv[$i]}" == '\;' ]] && argv[i]=';'
done
log "ExecStopPost: ${argv[*]}"
check "ExecStopPost runs nft with a ';' between its two commands" eq "${argv[5]:-}" ';'
rc=0
out="$(ip netns exec "$LAB_SRV" "${argv[@]}" 2>&1)" || rc=$?
check "ExecStopPost succeeds with the leftover table (status $rc${out:+, $out})" eq "$rc" 0
check "ExecStopPost removed the table" table_absent
rc=0
out="$(ip netns exec "$LAB_SRV" "${argv[@]}" 2>&1)" || rc=$?
check "ExecStopPost with no table: status 0 and silent (status $rc${out:+, $out})" eq "$rc/$out" "0/"
check "after ExecStopPost a client connects directly" http_ok
check "the daemons wrote no exception" eq "$(cat "$work"/daemon-*.log | grep -c 'Exception' || true)" 0

echo
if [[ $failures -gt 0 ]]; then
    echo "--- daemon logs (tail)"
    tail -n 15 "$work"/daemon-*.log
    echo "65-cleanup: $failures check(s) failed"
    exit 1
fi
echo "65-cleanup: all checks passed"
