#!/usr/bin/env bash
# Reflection abuse (issue 6, item 2): SYNs spoofed with a victim's address, so that synguard's
# SYN-ACKs go to the victim. The victims are in 198.19.0.0/16, which the lab routes from the server
# to the attacker namespace (where they die); every SYN and SYN-ACK is captured on br0 and audited
# by tests/lab/reflection_audit.py. synguard: mode always, handoff retry, unanswered-limit 4,
# unanswered-backoff 3 s (short, to see it end within the test), prefix-synack-rate 100/s.
#
#   1. one victim, 198.19.7.7, 1,000 SYN/s for 7 s, SYNs without options (54 bytes: the smallest
#      SYN, the worst case for bytes out per byte in): at most one SYN-ACK per SYN, at most 4 in
#      any 3 s (the back-off), and at least 4 in all (it was challenged); bytes out / bytes in;
#   2. one victim /24, 198.19.9.0/24 (256 addresses), 20,000 SYN/s for 3 s: at most 100 SYN-ACKs
#      a second to the /24 plus the bucket's one-second burst (<= 200 in any one-second window),
#      at most 4 per victim in any 3 s, at most one per SYN; bytes out / bytes in.
# Printed: one key=value line per phase (syns, synacks, bytes_ratio, answered_ratio, max_per_s,
# max_per_window). Bounded (re-runs itself under `timeout 90`); traps stop everything.
set -euo pipefail

if [[ -z "${SG_REFLECTION_BOUNDED:-}" ]]; then
    export SG_REFLECTION_BOUNDED=1
    exec timeout -k 10 90 bash "$0" "$@"
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source=SCRIPTDIR/../lib/common.sh
source "$here/../lib/common.sh"
root="$(repo_root)"
# shellcheck source=SCRIPTDIR/../lab/lab.sh
source "$root/tests/lab/lab.sh"
# shellcheck source=SCRIPTDIR/../lab/attacks.sh
source "$root/tests/lab/attacks.sh"

[[ "$(id -u)" -eq 0 ]] || die "needs root (network namespaces)"
ensure_packages iproute2 nftables nginx netsniff-ng tcpdump python3 curl libpcap0.8
find_jdk25
export SYNGUARD_JAR="${SYNGUARD_JAR:-$root/target/synguard.jar}"
[[ -f "$SYNGUARD_JAR" ]] || die "no $SYNGUARD_JAR (tests/run-all builds it; or set SYNGUARD_JAR)"

LIMIT=4 BACKOFF=3 PREFIX_RATE=100
work="$(mktemp -d /tmp/sg-reflection.XXXXXX)"
keep_last() {
    rm -rf /tmp/sg-reflection-last
    [[ "${SG_KEEP_PCAPS:-0}" == 1 ]] || find "$work" -name "*.pcap" -delete 2>/dev/null
    mv "$work" /tmp/sg-reflection-last 2>/dev/null || rm -rf "$work"
}
trap keep_last EXIT
lab_trap
lab_up
lab_server_sysctls 0 128
lab_start_http 80 64
atk_daemon_start "$work/daemon" retry "unanswered-limit = $LIMIT" "unanswered-backoff = ${BACKOFF}s" \
    "prefix-synack-rate = $PREFIX_RATE"

# phase NAME SOURCE_BYTES CLIENTS COUNT GAP_US: the flood, captured; the audit line in RESULT.
phase() {
    local name="$1" src="$2" clients="$3" count="$4" gap="$5" cfg
    cfg="$(atk_trafgen_cfg "$name" syn "$LAB_ATK_MAC" "$src")"
    LAB_CAPTURE_SNAPLEN=64 lab_capture_start "$work/$name.pcap" "tcp[tcpflags] & tcp-syn != 0"
    atk_trafgen_start "$LAB_ATK" "$LAB_ATK_IF" "$cfg" "$count" "$gap"
    atk_trafgen_wait || die "$name: trafgen failed: $(cat "$cfg.out")"
    lab_capture_stop 2>"$work/$name.tcpdump"
    RESULT="$(PYTHONPATH="$root/tests/lab" python3 "$root/tests/lab/reflection_audit.py" "$work/$name.pcap" \
        --server "$LAB_SRV_IP" --port 80 --clients "$clients" --window "$BACKOFF")"
    printf 'reflection_%s %s\n' "$name" "$RESULT"
}
field() { kv "$RESULT" "$1"; }
# A window of the back-off (in the times of the SYNs answered: the responder's packet time) holds at
# most LIMIT challenges.
within_backoff() { [[ "$(field max_per_window)" -le "$LIMIT" ]]; }

phase one-victim "198, 19, 7, 7" 198.19.7.7/32 7000 1000
span="$(field span_s)"
check "one victim: the flood arrived ($(field syns) of 7000 SYNs captured)" ge "$(field syns)" 6900
check "one victim: at most one SYN-ACK per SYN ($(field excess) beyond)" eq "$(field excess)" 0
check "one victim: at most $LIMIT SYN-ACKs in any ${BACKOFF} s (max $(field max_per_window))" within_backoff
# Challenges come in rounds of LIMIT, one round per back-off period of the flood's span.
rounds="$(awk -v s="$span" -v b="$BACKOFF" 'BEGIN { printf "%d", int(s / b) + 1 }')"
check "one victim: $LIMIT..$((rounds * LIMIT)) SYN-ACKs in ${span} s ($(field synacks))" \
    bash -c "[[ $(field synacks) -ge $LIMIT && $(field synacks) -le $((rounds * LIMIT)) ]]"
check "one victim: bytes out per byte in <= 1 ($(field bytes_ratio))" le "$(field bytes_ratio)" 1
check "one victim: no answer from the kernel ($(field kernel_synacks))" eq "$(field kernel_synacks)" 0
kv_one="$RESULT"

phase victim-24 "198, 19, 9, drnd(1)" 198.19.9.0/24 60000 50
span="$(field span_s)"
check "victim /24: the flood arrived ($(field syns) of 60000 SYNs captured)" ge "$(field syns)" 59000
check "victim /24: at most one SYN-ACK per SYN ($(field excess) beyond)" eq "$(field excess)" 0
check "victim /24: <= $((2 * PREFIX_RATE)) SYN-ACKs in any second (prefix-synack-rate $PREFIX_RATE/s + 1 s burst; max $(field max_per_s))" \
    le "$(field max_per_s)" $((2 * PREFIX_RATE))
total_cap="$(awk -v s="$span" -v r="$PREFIX_RATE" 'BEGIN { printf "%d", r * (s + 1) + 1 }')"
check "victim /24: <= $total_cap SYN-ACKs in ${span} s ($(field synacks))" le "$(field synacks)" "$total_cap"
check "victim /24: at most $LIMIT SYN-ACKs to one victim in any ${BACKOFF} s (max $(field max_per_window))" within_backoff
check "victim /24: bytes out per byte in <= 1 ($(field bytes_ratio))" le "$(field bytes_ratio)" 1

atk_scrape "$work/metrics.txt"
check "the daemon lived through the floods" _lab_alive "$ATK_DAEMON_PID"
printf 'reflection_counters backed_off=%s rate_limited=%s synacks_sent=%s\n' \
    "$(atk_counter "$work/metrics.txt" backed_off)" "$(atk_counter "$work/metrics.txt" rate_limited)" \
    "$(atk_counter "$work/metrics.txt" synacks_sent)"
atk_daemon_stop
log "one victim: $kv_one"
[[ "$failures" -eq 0 ]] || die "$failures check(s) failed (logs in /tmp/sg-reflection-last)"
log "reflection: all checks passed"
