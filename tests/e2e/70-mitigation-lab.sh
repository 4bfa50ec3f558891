#!/usr/bin/env bash
# synguard's mitigation against real floods in the namespace lab (tests/lab/lab.sh), next to no
# defence and the kernel's own SYN cookies, in one run. Server: nginx with listen backlog 64,
# tcp_max_syn_backlog=128, tcp_no_metrics_save=1 and tcp_metrics flushed before every phase, nginx
# restarted between phases. Flood: spoofed SYNs from 198.19.0.0/16, at 50,000/s (tcpreplay --pps)
# or as fast as the lab goes (trafgen -P1). Clients: tests/lab/connect_clients.py, 4 workers, at
# most 50 requests/s each, connect + GET + read with a 3 s deadline per attempt, one reconnect
# after a reset that came before any response byte, every request from a source address never
# seen before (so each one goes through the defence, not just the first). Each phase: flood,
# clients after 0.5 s of flood for 5 s, stop; the tables (tests/lab/mitigation.sh) measure it.
#
#   0. baseline (no flood, cookies off): >= 99% succeed (the lab works);
#   1. no protection (tcp_syncookies=0), 50k/s: <= 20% succeed (the flood hurts);
#   2. kernel reference (tcp_syncookies=1) at 50k/s and at the lab's top rate: reported, and
#      >= 95% succeed (what synguard has to match);
#   3. synguard, mode always, handoff retry, at 50k/s and at the top rate; at the top rate the
#      clients start 5 s into the flood (MIT_MAX_LEAD): the daemon started with the flood (it warms
#      its JIT up on synthetic frames before it captures, but still sends the first wave of
#      challenges, 4 to each of the flood's 65,536 sources before they are backed off, and its
#      capture falls behind meanwhile); the clients' period measures what comes after;
#   4. synguard, mode always, handoff reset, at 50k/s;
#   for 3 and 4: >= 99% of requests succeed (retry: at the first attempt; reset: with the one
#   reconnect, both printed), the server's SYN-RECV count (sampled every 100 ms) stays under 10,
#   no SYN-ACK leaves for an (address, port) that did not send a SYN first (every SYN and SYN-ACK
#   captured on br0 and audited by tests/lab/synack_audit.py; a capture that dropped frames
#   cannot prove it and fails), the alert log has mitigation_started and no error event, the daemon
#   lives through the phase and its nftables table is gone after its SIGTERM.
# Reported per phase: success (first attempt and with reconnect), connect latency p50/p99, SYN-RECV
# max, the flood's rate, and the SYN-ACKs per second answered: the kernel's SyncookiesSent, or
# synguard's own counter (and the capture's count of SYN-ACKs to spoofed sources).
#
# Bounded (re-runs itself under `timeout 470`); traps remove the namespaces and stop every
# process. The jar: SYNGUARD_JAR, else target/synguard.jar. MIT_PHASES="0 1 2 ..." runs a subset;
# SG_KEEP_PCAPS=1 keeps the captures in /tmp/sg-mitigation-last with the rest.
set -euo pipefail

if [[ -z "${SG_MITIGATION_LAB_BOUNDED:-}" ]]; then
    export SG_MITIGATION_LAB_BOUNDED=1
    exec timeout -k 10 470 bash "$0" "$@"
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source=SCRIPTDIR/../lib/common.sh
source "$here/../lib/common.sh"
root="$(repo_root)"
# shellcheck source=SCRIPTDIR/../lab/lab.sh
source "$root/tests/lab/lab.sh"
# shellcheck source=SCRIPTDIR/../lab/mitigation.sh
source "$root/tests/lab/mitigation.sh"

[[ "$(id -u)" -eq 0 ]] || die "needs root (network namespaces)"
ensure_packages iproute2 nftables nginx netsniff-ng tcpreplay tcpdump python3 curl libpcap0.8
phases=" ${MIT_PHASES:-0 1 2 3 4} "
# The synguard phase at the top rate: clients start after MAX_LEAD seconds of flood, and the flood's
# bound covers that plus the clients' period at up to 600k/s.
MAX_LEAD="${MIT_MAX_LEAD:-5}"
MAX_FLOOD_COUNT="${MIT_MAX_FLOOD_COUNT:-8000000}"
want() { [[ "$phases" == *" $1 "* ]]; }
if want 3 || want 4; then
    find_jdk25
    export SYNGUARD_JAR="${SYNGUARD_JAR:-$root/target/synguard.jar}"
    [[ -f "$SYNGUARD_JAR" ]] || die "no $SYNGUARD_JAR (tests/run-all builds it; or set SYNGUARD_JAR)"
fi

work="$(mktemp -d /tmp/sg-mitigation.XXXXXX)"
# Keep the figures and the daemons' logs of the last run for a look after a failure; drop the
# captures (hundreds of MB) unless SG_KEEP_PCAPS=1.
keep_last() {
    rm -rf /tmp/sg-mitigation-last
    [[ "${SG_KEEP_PCAPS:-0}" == 1 ]] || find "$work" -name "*.pcap" -delete 2>/dev/null
    mv "$work" /tmp/sg-mitigation-last 2>/dev/null || rm -rf "$work"
}
trap keep_last EXIT
lab_trap
mit_lab_up "$work"
# The flood's pcap once (about 3 s), not inside the first flooded phase.
lab_flood_prepare 200000 80

results=()
field() { kv "$1" "$2"; }
show() { # one progress line per phase
    local r="$1"
    log "$(field "$r" tag): ok first $(field "$r" first_pct)% / with reconnect $(field "$r" success_pct)% of $(field "$r" requests)," \
        "connect p50 $(field "$r" connect_p50_ms) p99 $(field "$r" connect_p99_ms) ms, SYN-RECV max $(field "$r" synrecv_max)," \
        "flood $(field "$r" flood_pps)/s, kernel cookies $(field "$r" cookie_pps)/s, synguard SYN-ACKs $(field "$r" sg_synack_pps)/s" \
        "(capture: $(field "$r" window_synack_pps)/s), failures $(field "$r" failures)"
}
run_phase() { # run_phase TAG FLOOD RATE: the phase, with the clients as described above
    mit_phase "$1" "$2" "$3" --reconnect --rate 50 --timeout 3
    results+=("$MIT_RESULT")
    show "$MIT_RESULT"
}

# The checks every synguard phase makes. $1: the result line; $2: the success field it asserts.
check_synguard() {
    local r="$1" succ="$2" tag dir what
    tag="$(field "$r" tag)"
    dir="$work/$tag"
    what="$tag: >= 99% of $(field "$r" requests) requests succeed ($succ: $(field "$r" "$succ")%; first attempt $(field "$r" first_pct)%, with reconnect $(field "$r" success_pct)%)"
    check "$what" ge "$(field "$r" "$succ")" 99
    check "$tag: the server's SYN-RECV count stays under 10 (max $(field "$r" synrecv_max) in $(field "$r" synrecv_samples) samples)" \
        le "$(field "$r" synrecv_max)" 9
    check "$tag: the capture is complete (tcpdump dropped $(field "$r" capture_dropped))" eq "$(field "$r" capture_dropped)" 0
    check "$tag: every SYN-ACK answers an earlier SYN ($(field "$r" synacks) SYN-ACKs, $(field "$r" orphans) without)" \
        eq "$(field "$r" orphans)" 0
    [[ ! -s "$dir/orphans.txt" ]] || sed 's/^/    /' "$dir/orphans.txt"
    check "$tag: the daemon lived through the phase" _lab_alive "$MIT_DAEMON_PID"
    mit_daemon_stop
    check "$tag: mitigation_started for $LAB_SRV_IP in the alert log" \
        grep -q '"event":"mitigation_started","target":"'"$LAB_SRV_IP"'"' "$dir/daemon/alerts.log"
    check "$tag: no error event in the alert log" no_alert_errors "$dir/daemon/alerts.log"
    check "$tag: its nftables table is gone after SIGTERM (fail-open)" no_table
}
no_alert_errors() { ! mit_alert_errors "$1"; }
no_table() { ! mit_table_present; }

if want 0; then
    mit_server_reset 0
    run_phase baseline none 0
    check "baseline: >= 99% succeed without a flood ($(field "$MIT_RESULT" success_pct)%)" ge "$(field "$MIT_RESULT" success_pct)" 99
fi

if want 1; then
    mit_server_reset 0
    run_phase none-50k tcpreplay 50000
    check "no protection: the flood hurts: <= 20% succeed ($(field "$MIT_RESULT" success_pct)%)" le "$(field "$MIT_RESULT" success_pct)" 20
fi

if want 2; then
    for flood in 50k max; do
        mit_server_reset 1
        if [[ "$flood" == 50k ]]; then run_phase cookies-50k tcpreplay 50000; else run_phase cookies-max max 0; fi
        check "kernel cookies ($flood): >= 95% succeed ($(field "$MIT_RESULT" success_pct)%)" ge "$(field "$MIT_RESULT" success_pct)" 95
    done
fi

if want 3; then
    for flood in 50k max; do
        mit_server_reset 0
        mit_daemon_start "retry-$flood" retry
        case "$flood" in
            50k) run_phase retry-50k tcpreplay 50000 ;;
            # At the top rate the clients come 5 s into the flood (see the header).
            max) MIT_LEAD="$MAX_LEAD" MIT_FLOOD_COUNT_MAX="$MAX_FLOOD_COUNT" run_phase retry-max max 0 ;;
        esac
        # retry keeps the first connection: a reset would be a failure of the handoff.
        check_synguard "$MIT_RESULT" first_pct
    done
fi

if want 4; then
    mit_server_reset 0
    mit_daemon_start reset-50k reset
    run_phase reset-50k tcpreplay 50000
    check_synguard "$MIT_RESULT" success_pct
fi

echo
echo "mitigation lab: 4 clients x <= 50 req/s, a new source per request, 3 s per attempt; flood from 198.19.0.0/16"
fmt='%-12s %8s %5s %8s %8s %9s %9s %7s %9s %9s %9s %7s\n'
# shellcheck disable=SC2059 # the format is the one above
printf "$fmt" phase "flood/s" req "ok-1st%" "ok-rc%" "conn-p50" "conn-p99" synrecv "cookies/s" "sg-sa/s" "wire-sa/s" orphans
for r in "${results[@]}"; do
    # shellcheck disable=SC2059
    printf "$fmt" "$(field "$r" tag)" "$(field "$r" flood_pps)" "$(field "$r" requests)" "$(field "$r" first_pct)" \
        "$(field "$r" success_pct)" "$(field "$r" connect_p50_ms)" "$(field "$r" connect_p99_ms)" \
        "$(field "$r" synrecv_max)" "$(field "$r" cookie_pps)" "$(field "$r" sg_synack_pps)" \
        "$(field "$r" window_synack_pps)" "$(field "$r" orphans)"
done
echo "(per second over the clients' period; latencies in ms. ok-1st: success at the first attempt; ok-rc: with"
echo " one reconnect after a reset. cookies/s: the kernel's SyncookiesSent; sg-sa/s: synguard's synacks_sent"
echo " counter; wire-sa/s: SYN-ACKs to spoofed sources on br0; orphans: SYN-ACKs with no SYN before them)"
echo "per-phase details: /tmp/sg-mitigation-last/*/result, clients.csv, daemon/ (after the exit)"

if [[ $failures -gt 0 ]]; then
    die "$failures check(s) failed (figures and daemon logs: /tmp/sg-mitigation-last)"
fi
log "all checks passed"
