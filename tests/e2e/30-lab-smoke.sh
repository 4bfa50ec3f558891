#!/usr/bin/env bash
# Smoke test of the namespace lab (tests/lab/lab.sh): the lab itself works, so
# that later end-to-end tests can trust it. No synguard involved.
#
#   1. lab up; nginx on 198.18.0.1:80 and [2001:db8::1]:80; server tcp_syncookies=1;
#   2. real clients (kernel TCP, one connection per request) at 200 req/s for 5 s:
#      >= 99% succeed;
#   3. the same clients again, and 1 s in, a spoofed SYN flood: 50,000 SYNs at
#      50,000 pps from 198.19.0.0/16 (tcpreplay --pps); clients still >= 99%;
#      the kernel's SyncookiesSent rises by >= 40,000 (it answers the flood);
#   4. tcpdump on the server's br0 during step 3 saw >= 49,000 flood SYNs, every
#      SYN not from the client came from 198.19.0.0/16, every IPv4 address on
#      the wire is in 198.18.0.0/15 (IPv6: 2001:db8::/32), the server's
#      SYN-ACKs to spoofed sources crossed br0 (>= 40,000);
#   5. lab down: no namespace of this run remains.
#
# Prints the measured figures (client rate, success, connect p50/p99, flood
# rate from the capture's timestamps, SyncookiesSent delta). Bounded: the
# script re-runs itself under `timeout 120`; the traps remove the namespaces
# and stop every process on any exit. Needs root.
set -euo pipefail

# Whole-script bound: TERM at 120 s reaches the traps below (cleanup), KILL 10 s later.
if [[ -z "${SG_LAB_SMOKE_BOUNDED:-}" ]]; then
    export SG_LAB_SMOKE_BOUNDED=1
    exec timeout -k 10 120 bash "$0" "$@"
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source=SCRIPTDIR/../lib/common.sh
source "$here/../lib/common.sh"
root="$(repo_root)"
# shellcheck source=SCRIPTDIR/../lab/lab.sh
source "$root/tests/lab/lab.sh"

[[ "$(id -u)" -eq 0 ]] || die "needs root (network namespaces)"
ensure_packages iproute2 nftables nginx netsniff-ng tcpreplay tcpdump python3

readonly RATE=200 SECS=5 FLOOD_PPS=50000 FLOOD_COUNT=50000

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
lab_trap # lab_down first, then the rm above; also on INT/TERM

count() { # count FILTER: packets in the capture matching a BPF filter
    lab_pcap_count "$work/lab.pcap" "$1"
}

lab_up
lab_server_sysctls 1
lab_start_http 80

# --- 1. clients alone
log "clients: $RATE req/s for $SECS s"
lab_clients "$RATE" "$SECS" "$work/base.csv" >/dev/null
base="$LAB_CLIENTS_SUMMARY"
echo "baseline: $base"
check "baseline: >= 99% of requests succeed ($(kv "$base" success_pct)%)" ge "$(kv "$base" success_pct)" 99
check "baseline: clients offered >= 190 req/s ($(kv "$base" offered_rps))" ge "$(kv "$base" offered_rps)" 190
check "baseline: all $((RATE * SECS)) requests made" eq "$(kv "$base" requests)" "$((RATE * SECS))"

# --- 2. clients during a spoofed flood, captured on the server's bridge
lab_flood_prepare "$FLOOD_COUNT" 80
lab_capture_start "$work/lab.pcap"
cookies0="$(lab_netstat SyncookiesSent)"
lab_clients_start "$RATE" "$SECS" "$work/flood.csv"
sleep 1
log "flood: $FLOOD_COUNT SYNs at $FLOOD_PPS pps from $LAB_SPOOF_NET"
lab_flood "$FLOOD_PPS" "$FLOOD_COUNT" 80
lab_clients_wait >/dev/null
during="$LAB_CLIENTS_SUMMARY"
lab_capture_stop
cookies1="$(lab_netstat SyncookiesSent)"
cookies=$((cookies1 - cookies0))
echo "under flood: $during"

# --- 3. what crossed the wire
syn='tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn'
# First and last flood SYN on the wire: the flood's rate and its time window.
read -r flood_syns flood_first flood_last flood_pps < <(lab_pcap_stats "$work/lab.pcap" "$syn and src net $LAB_SPOOF_NET") || true
flood_span="$(awk -v a="$flood_first" -v b="$flood_last" 'BEGIN { printf "%.3f", b - a }')"
# Requests started while the flood was on the wire (per-request CSV; same clock).
read -r fl_n fl_ok < <(awk -F, -v a="$flood_first" -v b="$flood_last" 'NR > 1 && $2 >= a && $2 <= b { n++; ok += $6 }
    END { printf "%d %d\n", n, ok }' "$work/flood.csv") || true
check "under flood: >= 99% of requests succeed ($(kv "$during" success_pct)%)" ge "$(kv "$during" success_pct)" 99
check "under flood: requests started during the flood: >= 99% succeed ($fl_ok/$fl_n)" ge "$fl_ok" "$(((fl_n * 99 + 99) / 100))"
check "under flood: the flood overlapped the clients ($fl_n requests started during it)" ge "$fl_n" 100
check "kernel answered the flood: SyncookiesSent +$cookies >= 40000" ge "$cookies" 40000
other_syns="$(count "$syn and not src net $LAB_SPOOF_NET and not src host $LAB_CLI_IP")"
client_syns="$(count "$syn and src host $LAB_CLI_IP")"
synacks="$(count "tcp[tcpflags] & (tcp-syn|tcp-ack) == (tcp-syn|tcp-ack) and src host $LAB_SRV_IP and dst net $LAB_SPOOF_NET")"
off_net4="$(count "ip and not (src net 198.18.0.0/15 and dst net 198.18.0.0/15)")"
off_net6="$(count "ip6 and not (src net 2001:db8::/32 and dst net 2001:db8::/32)")"
atk_off="$(count "ether src $LAB_ATK_MAC and not src net $LAB_SPOOF_NET")"
check "capture: >= 49000 flood SYNs from $LAB_SPOOF_NET ($flood_syns)" ge "$flood_syns" 49000
check "capture: every other SYN came from the client ($other_syns others, $client_syns from the client)" eq "$other_syns" 0
check "capture: the attacker sent nothing from outside $LAB_SPOOF_NET ($atk_off)" eq "$atk_off" 0
check "capture: no IPv4 address outside 198.18.0.0/15 ($off_net4)" eq "$off_net4" 0
check "capture: no IPv6 address outside 2001:db8::/32 ($off_net6)" eq "$off_net6" 0
check "capture: the server's SYN-ACKs to spoofed sources crossed br0 ($synacks)" ge "$synacks" 40000
check "capture: flood rate within 10% of $FLOOD_PPS pps ($flood_pps pps over ${flood_span}s)" \
    awk -v r="$flood_pps" -v t="$FLOOD_PPS" 'BEGIN { exit !(r >= 0.9 * t && r <= 1.1 * t) }'

# --- 4. teardown
lab_down
left="$(ip netns list | awk -v p="${LAB_PREFIX}$$-" 'index($1, p) == 1' | wc -l)"
check "teardown: no namespace ${LAB_PREFIX}$$-* remains ($left)" eq "$left" 0
check "teardown: the lab's temp dir is gone" test ! -e "$LAB_DIR"

echo
echo "figures:"
printf '  clients alone     %s req/s offered, %s ok/s, %s%% ok, connect p50 %s ms p99 %s ms, total p50 %s ms p99 %s ms\n' \
    "$(kv "$base" offered_rps)" "$(kv "$base" ok_rps)" "$(kv "$base" success_pct)" \
    "$(kv "$base" connect_p50_ms)" "$(kv "$base" connect_p99_ms)" "$(kv "$base" total_p50_ms)" "$(kv "$base" total_p99_ms)"
printf '  clients in flood  %s req/s offered, %s ok/s, %s%% ok, connect p50 %s ms p99 %s ms max %s ms (%s/%s ok while flooding)\n' \
    "$(kv "$during" offered_rps)" "$(kv "$during" ok_rps)" "$(kv "$during" success_pct)" \
    "$(kv "$during" connect_p50_ms)" "$(kv "$during" connect_p99_ms)" "$(kv "$during" connect_max_ms)" "$fl_ok" "$fl_n"
printf '  flood             %s SYNs seen, %s pps by capture timestamps over %s s (asked %s pps)\n' \
    "$flood_syns" "$flood_pps" "$flood_span" "$FLOOD_PPS"
printf '  kernel            SyncookiesSent +%s, SYN-ACKs to spoofed sources on br0 %s\n' "$cookies" "$synacks"

if [[ $failures -gt 0 ]]; then
    die "$failures check(s) failed"
fi
log "all checks passed"
