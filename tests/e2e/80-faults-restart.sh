#!/usr/bin/env bash
# Faults around the daemon's own process and its tools, under a spoofed SYN flood (tcpreplay,
# 20,000/s from 198.19.0.0/16) in the namespace lab, with the real daemon (mode always, handoff
# retry) started as the unit starts it. Clients: tests/lab/connect_clients.py (4 workers, a new
# source address per request, 3 s per attempt, one reconnect).
#
#   1. kill -9 during the attack, then a restart on the same state-dir:
#      - a SYN cookie issued before the kill (one SYN sent by hand from a fresh source, the
#        client's own RST held back) verifies after the restart: the hand-made RST carrying it
#        puts the source into the verified set; the same RST with the cookie + 2^20 does not
#        (bad_cookies counts it);
#      - the leftover `table inet synguard` is replaced at start (a new table handle);
#      - clients succeed again (>= 95%) after the restart; reported: the success while the
#        daemon was dead (the leftover table drops every new source's SYN until the unit's
#        ExecStopPost or the restart removes it), and the time to ready (status answers, table in
#        place, capturing).
#   2. nft missing (mitigation.nft-command names a binary that does not exist), the kernel's own
#      cookies on: mitigation_error in the alert log, no table, no SYN-ACK from synguard over the
#      clients' period, attack_started still written (detection goes on), clients >= 95%.
#
# Bounded (re-runs itself under `timeout 150`); the lab's traps remove the namespaces and stop
# every process. The jar: SYNGUARD_JAR, else target/synguard.jar.
set -euo pipefail

if [[ -z "${SG_FAULTS_RESTART_BOUNDED:-}" ]]; then
    export SG_FAULTS_RESTART_BOUNDED=1
    exec timeout -k 10 150 bash "$0" "$@"
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source=SCRIPTDIR/../lib/common.sh
source "$here/../lib/common.sh"
root="$(repo_root)"
# shellcheck source=SCRIPTDIR/../lab/lab.sh
source "$root/tests/lab/lab.sh"
# shellcheck source=SCRIPTDIR/../lab/mitigation.sh
source "$root/tests/lab/mitigation.sh"
# shellcheck source=SCRIPTDIR/../lab/faults.sh
source "$root/tests/lab/faults.sh"

[[ "$(id -u)" -eq 0 ]] || die "needs root (network namespaces)"
ensure_packages iproute2 nftables nginx tcpreplay python3 curl jq libpcap0.8
find_jdk25
export SYNGUARD_JAR="${SYNGUARD_JAR:-$root/target/synguard.jar}"
[[ -f "$SYNGUARD_JAR" ]] || die "no $SYNGUARD_JAR (tests/run-all builds it; or set SYNGUARD_JAR)"

work="$(mktemp -d /tmp/sg-faults-restart.XXXXXX)"
keep_last() {
    rm -rf /tmp/sg-faults-restart-last
    mv "$work" /tmp/sg-faults-restart-last 2>/dev/null || rm -rf "$work"
}
trap keep_last EXIT
lab_trap
mit_lab_up "$work"
lab_flood_prepare 200000 80

# The hand-made handshake's source: the top of the clients' pool, which the client phases (one
# /21 each from 198.18.64.0) never reach.
PROBE_IP=198.18.127.250
probe() { # probe syn|rst [DELTA]
    ip netns exec "$LAB_CLI" python3 "$root/tests/lab/cookie_probe.py" "$1" "$LAB_CLI_IF" "$LAB_CLI_MAC" \
        "$LAB_SRV_MAC" "$PROBE_IP" "$LAB_SRV_IP" 80 "$work/cookie.txt" "${@:2}"
}
probe_verified() { _mit_srv nft get element inet synguard verified4 "{ $PROBE_IP }" >/dev/null 2>&1; }
not_verified() { ! probe_verified; }
no_table() { ! mit_table_present; }
refused() { (($2 > $1)) && not_verified; }
differs() { [[ -n "$2" && "$2" != "$1" ]]; }
table_handle() { _mit_srv nft -a list table inet synguard 2>/dev/null | sed -n 's/^table inet synguard { # handle \([0-9]*\).*/\1/p'; }
pct() { kv "$1" success_pct; }
figures=()
fig() { figures+=("$1=$2"); }

# ---------------------------------------------------------------- 1. kill -9 and restart
mit_server_reset 0
flt_daemon_start restart
lab_flood_bg_start tcpreplay 20000 2400000 80
sleep 1
flt_clients before 3
fig before_kill_success_pct "$(pct "$FLT_SUMMARY")"
check "before the kill: >= 95% of clients succeed ($(pct "$FLT_SUMMARY")%)" ge "$(pct "$FLT_SUMMARY")" 95

# One SYN by hand; this namespace's own RST to the SYN-ACK is held back, so the cookie is
# answered only later, by hand, after the restart.
ip netns exec "$LAB_CLI" nft -f - <<EOF
table ip sgprobe {
    chain out {
        type filter hook output priority raw; policy accept;
        ip saddr $PROBE_IP tcp flags rst counter drop
    }
}
EOF
probe_out="$(probe syn || true)"
log "cookie before the kill: $probe_out"
check "a SYN cookie was issued before the kill ($probe_out)" grep -q . "$work/cookie.txt"
check "the probe source is not verified yet" not_verified
handle0="$(table_handle)"

kill -KILL "$MIT_DAEMON_PID"
wait "$MIT_DAEMON_PID" 2>/dev/null || true
_lab_forget "$MIT_DAEMON_PID"
MIT_DAEMON_PID=""
check "after kill -9 the table is left behind (handle $handle0)" mit_table_present
flt_clients dead 2
fig dead_success_pct "$(pct "$FLT_SUMMARY")"
log "while dead (leftover table, no responder): $(pct "$FLT_SUMMARY")% of $(kv "$FLT_SUMMARY" requests) succeed"

flt_daemon_start restart
fig restart_ready_ms "$FLT_READY_MS"
handle1="$(table_handle)"
fig table_handle_before "$handle0"
fig table_handle_after "$handle1"
check "the leftover table was replaced at start (handle $handle0 -> $handle1)" \
    differs "$handle0" "$handle1"
check "the restarted daemon says it replaced the table" grep -q "table inet synguard installed" "$MIT_DAEMON_DIR/daemon.log"

flt_scrape "$work/m-restart-0.txt"
# + 2^20: a change in the cookie's hash bits (+1 would only change the MSS index it encodes,
# which is still a valid cookie, as in Linux).
probe rst $((1 << 20)) >/dev/null
sleep 1
flt_scrape "$work/m-restart-1.txt"
bad0="$(mit_series "$work/m-restart-0.txt" 'bad_cookies')" bad1="$(mit_series "$work/m-restart-1.txt" 'bad_cookies')"
fig forged_bad_cookies "$((bad1 - bad0))"
check "a wrong cookie (the real one + 2^20) is refused: bad_cookies +$((bad1 - bad0)), source not verified" \
    refused "$bad0" "$bad1"
probe rst >/dev/null
verify_ms="$(flt_wait 5 probe_verified)" || true
fig pre_restart_cookie_verify_ms "$verify_ms"
check "the cookie issued before kill -9 verifies after the restart (in verified4 after $verify_ms ms)" \
    eq "${verify_ms//[0-9]/}" ""
ip netns exec "$LAB_CLI" nft delete table ip sgprobe

flt_clients after 3
fig after_restart_success_pct "$(pct "$FLT_SUMMARY")"
check "after the restart: >= 95% of clients succeed ($(pct "$FLT_SUMMARY")%)" ge "$(pct "$FLT_SUMMARY")" 95
check "the restarted daemon lived" _lab_alive "$MIT_DAEMON_PID"
mit_daemon_stop
check "its table is gone after SIGTERM" no_table

# ---------------------------------------------------------------- 2. nft missing
mit_server_reset 1
flt_daemon_start nonft NFT='[ "/nonexistent/sbin/nft" ]' TABLE=0
sleep 1
flt_scrape "$work/m-nonft-0.txt"
flt_clients nonft 3
flt_scrape "$work/m-nonft-1.txt"
alerts="$MIT_DAEMON_DIR/alerts.log"
sa0="$(mit_series "$work/m-nonft-0.txt" 'synacks_sent')" sa1="$(mit_series "$work/m-nonft-1.txt" 'synacks_sent')"
fig nonft_success_pct "$(pct "$FLT_SUMMARY")"
fig nonft_synguard_synacks "$((sa1 - sa0))"
fig nonft_enforcing "$(flt_status_field .mitigation.enforcing)"
fig nonft_mitigation_errors "$(grep -c '"event":"mitigation_error"' "$alerts" || true)"
check "nft missing: mitigation_error in the alert log" grep -q '"event":"mitigation_error"' "$alerts"
check "nft missing: no synguard table" no_table
check "nft missing: status says not enforcing ($(flt_status_field .mitigation.enforcing))" \
    eq "$(flt_status_field .mitigation.enforcing)" false
check "nft missing: no SYN-ACK from synguard during the clients' period ($((sa1 - sa0)))" eq "$((sa1 - sa0))" 0
check "nft missing: detection goes on (attack_started for $LAB_SRV_IP)" \
    grep -q '"event":"attack_started".*"target":"'"$LAB_SRV_IP"'"' "$alerts"
check "nft missing: fail open, the kernel's cookies serve >= 95% of clients ($(pct "$FLT_SUMMARY")%)" \
    ge "$(pct "$FLT_SUMMARY")" 95
check "nft missing: the daemon lives" _lab_alive "$MIT_DAEMON_PID"
mit_daemon_stop
lab_flood_bg_stop >/dev/null

echo
echo "faults (restart, nft missing): flood 20,000 SYN/s; clients 4 workers, new source per request"
for f in "${figures[@]}"; do echo "$f"; done
if [[ $failures -gt 0 ]]; then
    die "$failures check(s) failed (logs: /tmp/sg-faults-restart-last)"
fi
log "all checks passed"
