#!/usr/bin/env bash
# Table exhaustion: a flood sized to overflow every bounded table of a daemon configured with the
# smallest tables the config allows, live in the namespace lab, mode auto (detection has to work
# for mitigation to start at all). Server: nginx on 198.18.0.1:80, tcp_syncookies=0, SYN backlog
# 128, listen backlog 64. Config: track.capacity 1024 half-open entries, pressure.sources 1024,
# pressure.prefixes 1024 with /28 prefixes (4,096 of them in the flood's /16), pressure.destinations
# 16 with 65 protected addresses (198.18.0.1 and 198.18.0.16-79), challenge-table 1024 slots.
# Flood (tcpreplay of tests/adversarial/evasion_pcaps.py captures, 10,000 frames/s, 120,000 in
# all, spoofed from 198.19.0.0/16: 65,534 sources): 60,000 SYNs at 198.18.0.1:80, then 60,000
# spread over the 64 other protected addresses, the capture looped. Clients
# (tests/lab/connect_clients.py, 4 workers, a never-seen source per request) from 2 s into the
# flood for 5 s.
#
# Checks: attack_started (spoofed) and mitigation_started for 198.18.0.1; >= 90% of the client
# requests succeed at the first attempt; the daemon's peak RSS (VmHWM, the unit's JVM options)
# stays under the unit's MemoryMax (768 MiB) and the README's ~512 MiB (start and end printed:
# most of the growth is the heap the JVM commits as it runs, not the tables); the eviction counters
# (synguard_table_evictions_total) show half_open, sources_seen_once and prefixes_seen_once
# evictions, the entry gauges (synguard_table_entries) stay within twice their capacity (Caffeine
# evicts a little after the insert) and `synguard status` prints the tables line; no error event,
# the daemon lives, its table is gone after SIGTERM.
#
# Prints key=value lines. Bounded (re-runs itself under `timeout 150`); lab_trap removes the
# namespaces and stops every process. About 60 s.
set -euo pipefail

if [[ -z "${SG_TABLE_EXHAUSTION_BOUNDED:-}" ]]; then
    export SG_TABLE_EXHAUSTION_BOUNDED=1
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
# shellcheck source=SCRIPTDIR/../adversarial/daemon.sh
source "$root/tests/adversarial/daemon.sh"

[[ "$(id -u)" -eq 0 ]] || die "needs root (network namespaces)"
ensure_packages iproute2 nftables nginx tcpreplay python3 python3-scapy curl libpcap0.8
py=/usr/bin/python3 # Debian's python3-scapy, whatever python3 is first in PATH
"$py" -c 'import scapy' 2>/dev/null || die "python3-scapy does not import with $py"
find_jdk25
export SYNGUARD_JAR="${SYNGUARD_JAR:-$root/target/synguard.jar}"
[[ -f "$SYNGUARD_JAR" ]] || die "no $SYNGUARD_JAR (tests/run-all builds it; or set SYNGUARD_JAR)"
failures=0

work="$(mktemp -d /tmp/sg-table-exhaustion.XXXXXX)"
keep_last() {
    rm -rf /tmp/sg-table-exhaustion-last "$work/pcaps"
    mv "$work" /tmp/sg-table-exhaustion-last 2>/dev/null || rm -rf "$work"
}
trap keep_last EXIT
lab_trap
mit_lab_up "$work"
mit_server_reset 0

half="${EXH_HALF:-60000}" pps="${EXH_PPS:-10000}" # knobs for a heavier run; the checks are for the defaults
mkdir -p "$work/pcaps"
gen() { "$py" "$root/tests/adversarial/evasion_pcaps.py" --out-dir "$work/pcaps" --count "$half" --rate "$pps" \
    --src-net "$LAB_SPOOF_NET" --smac "$LAB_ATK_MAC" --dmac "$LAB_SRV_MAC" "$@" >/dev/null; }
gen --variants plain --dst "$LAB_SRV_IP"
gen --variants many_addrs --dst 198.18.0.16 --addr-span 64
{ cat "$work/pcaps/plain.pcap"; tail -c +25 "$work/pcaps/many_addrs.pcap"; } >"$work/pcaps/flood.pcap"

dir="$work/daemon"
mkdir -p "$dir/state"
protect="{ address = \"$LAB_SRV_IP\", ports = [ 80 ] }"
for ((i = 16; i < 80; i++)); do protect+=", { address = \"198.18.0.$i\", ports = [ 80 ] }"; done
cat >"$dir/synguard.conf" <<CONF
synguard {
  interfaces = [ "$LAB_IF" ]
  protect = [ $protect ]
  track { capacity = 1024 }
  pressure { sources = 1024, prefixes = 1024, destinations = 16, ipv4-prefix-length = 28 }
  mitigation { mode = "auto", handoff = "retry", verified-timeout = 10m, challenge-table = 1024 }
  alerts { file = "$dir/alerts.log" }
  metrics { listen = "127.0.0.1:$MIT_METRICS_PORT" }
  state-dir = "$dir/state"
}
CONF
adv_daemon_start "$dir"
hwm0="$(adv_vmhwm "$MIT_DAEMON_PID")"

lab_synrecv_sampler_start 80 "$work/synrecv"
timeout -k 3 60 ip netns exec "$LAB_ATK" tcpreplay -q -i "$LAB_ATK_IF" --pps="$pps" --preload-pcap \
    "$work/pcaps/flood.pcap" >"$work/tcpreplay.out" 2>&1 </dev/null &
flood=$!
lab_register_pid "$flood"
sleep 2
_mit_next_sources
lab_connect_clients 5 "$work/clients.csv" --sources "$MIT_SOURCES" --rate 50 --timeout 3 >/dev/null || true
ip netns exec "$LAB_SRV" curl -s --max-time 2 "http://127.0.0.1:$MIT_METRICS_PORT/metrics" >"$work/metrics.txt" || true
ip netns exec "$LAB_SRV" "$root/bin/synguard" status --config "$dir/synguard.conf" >"$work/status.txt" 2>&1 || true
wait "$flood" || true
lab_stop_pid "$flood"
lab_synrecv_sampler_stop >/dev/null
sleep 1.2 # one more status publication after the last SYN
ip netns exec "$LAB_SRV" curl -s --max-time 2 "http://127.0.0.1:$MIT_METRICS_PORT/metrics" >"$work/metrics-end.txt" || true
hwm1="$(adv_vmhwm "$MIT_DAEMON_PID")"

series() { mit_series "$work/metrics-end.txt" "$1"; }
echo "flood $(grep -E 'Actual:' "$work/tcpreplay.out" | sed 's/^ *//')"
echo "clients $LAB_CLIENTS_SUMMARY synrecv_max=$LAB_SYNRECV_MAX"
echo "vmhwm_kb_start=$hwm0 vmhwm_kb_end=$hwm1 growth_kb=$((hwm1 - hwm0))"
for t in half_open sources_seen_once prefixes_seen_once; do
    echo "evictions_$t=$(series "table_evictions_total.*table=\"$t\"")"
done
for t in half_open sources prefixes destinations; do
    echo "entries_$t=$(series "table_entries.*table=\"$t\"")"
done
echo "synacks_sent=$(series 'synacks_sent') backed_off=$(series 'backed_off') syns=$(series '^synguard_syns_total')"
grep -m1 'tables' "$work/status.txt" | sed 's/^ */status: /' || true

alerts="$dir/alerts.log"
check "attack_started (spoofed) for $LAB_SRV_IP" \
    grep -q '"event":"attack_started".*"target":"'"$LAB_SRV_IP"'".*"classification":"spoofed"' "$alerts"
check "mitigation_started for $LAB_SRV_IP" grep -q '"event":"mitigation_started".*"target":"'"$LAB_SRV_IP"'"' "$alerts"
check ">= 90% of $(kv "$LAB_CLIENTS_SUMMARY" requests) client requests succeed at the first attempt ($(kv "$LAB_CLIENTS_SUMMARY" first_pct)%)" \
    ge "$(kv "$LAB_CLIENTS_SUMMARY" first_pct)" 90
check "peak RSS under the unit's MemoryMax, 768 MiB ($((hwm1 / 1024)) MiB)" le "$hwm1" $((768 * 1024))
check "peak RSS within the README's ~512 MiB for the unit's -Xmx ($((hwm1 / 1024)) MiB)" le "$hwm1" $((512 * 1024))
for t in half_open sources_seen_once prefixes_seen_once; do
    n="$(series "table_evictions_total.*table=\"$t\"")"
    check "evictions counted: $t ($n)" ge "$n" 1000
done
check "half-open entries within twice track.capacity ($(series 'table_entries.*table="half_open"'))" \
    le "$(series 'table_entries.*table="half_open"')" 2048
for t in sources prefixes; do
    check "$t entries within twice their capacity ($(series "table_entries.*table=\"$t\""))" \
        le "$(series "table_entries.*table=\"$t\"")" 2048
done
check "destinations entries within twice their capacity ($(series 'table_entries.*table="destinations"'))" \
    le "$(series 'table_entries.*table="destinations"')" 32
check "synguard status shows the tables line" grep -q 'tables .*evicted' "$work/status.txt"
check "the daemon lived through the flood" _lab_alive "$MIT_DAEMON_PID"
mit_daemon_stop
check "no error event in the alert log" test -z "$(mit_alert_errors "$alerts" || true)"
check "its nftables table is gone after SIGTERM" test -z "$(mit_table_present && echo present)"

[[ $failures -eq 0 ]] || die "$failures check(s) failed (logs: /tmp/sg-table-exhaustion-last)"
log "all checks passed"
