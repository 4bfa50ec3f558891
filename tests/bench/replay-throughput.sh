#!/usr/bin/env bash
# Replay throughput: synguard's offline read+decode+track path against tcpdump
# reading the same file (libpcap's own speed plus tcpdump's overhead).
#
#   tests/bench/replay-throughput.sh [--syns N] [--handshakes K] [--rate PPS] [--runs R]
#
# Defaults: 5,000,000 SYNs, 5,000 handshakes, 1,000,000 pps of packet time, 3 runs.
# The capture comes from tests/bench/gen_flood.py and is cached in /tmp by its
# parameters (about 76 bytes a packet: 380 MB for the default). Each run times
# `bin/synguard replay --alerts /dev/null FILE` and `tcpdump -r FILE -w /dev/null`
# back to back (interleaved, so a noisy neighbour hurts both alike), wall time
# from `date +%s%N`; the median of the runs is reported, as a markdown table:
# packets, packets/s of each, ratio synguard/tcpdump. Then synguard's own
# summary from its last run.
#
# Numbers on this kind of machine: shared/notes/capture-speed.md (tcpdump reads
# 9-12 M packets/s; the FFM pcap_next_ex engine 13-15 M packets/s raw).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source=SCRIPTDIR/../lib/common.sh
source "$here/../lib/common.sh"
root="$(repo_root)"

syns=5000000
handshakes=5000
rate=1000000
runs=3
while [[ $# -gt 0 ]]; do
    case "$1" in
        --syns) syns="$2"; shift 2 ;;
        --handshakes) handshakes="$2"; shift 2 ;;
        --rate) rate="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument: $1 (see --help)" ;;
    esac
done
for v in "$syns" "$handshakes" "$rate" "$runs"; do
    [[ "$v" =~ ^[0-9]+$ ]] || die "not a number: $v"
done
[[ "$runs" -ge 1 ]] || die "--runs must be >= 1"

ensure_packages libpcap0.8 tcpdump
find_jdk25
build_jar

# The cache key holds every parameter that changes the bytes (the seed is the
# generator's default); the generator's own mtime invalidates it when it changes.
cap="/tmp/synguard-flood-s${syns}-h${handshakes}-r${rate}.pcap"
if [[ ! -s "$cap" || "$here/gen_flood.py" -nt "$cap" ]]; then
    log "generating $cap"
    python3 "$here/gen_flood.py" --syns "$syns" --handshakes "$handshakes" --rate "$rate" --out "$cap.tmp"
    mv "$cap.tmp" "$cap"
else
    log "using cached $cap"
fi
packets=$((syns + 3 * handshakes))

now_ns() { date +%s%N; }

summary="$(mktemp)"
trap 'rm -f "$summary"' EXIT

# Read the file once so the first timed run does not pay for the page cache.
cat "$cap" >/dev/null

sg_times=()
td_times=()
for ((i = 1; i <= runs; i++)); do
    t0=$(now_ns)
    "$root/bin/synguard" replay --alerts /dev/null "$cap" >/dev/null 2>"$summary" \
        || { cat "$summary" >&2; die "synguard replay failed"; }
    t1=$(now_ns)
    tcpdump -r "$cap" -w /dev/null 2>/dev/null || die "tcpdump failed"
    t2=$(now_ns)
    sg_times+=($((t1 - t0)))
    td_times+=($((t2 - t1)))
    log "run $i/$runs: synguard $(((t1 - t0) / 1000000)) ms, tcpdump $(((t2 - t1) / 1000000)) ms"
done

median() {
    printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}
sg_ns="$(median "${sg_times[@]}")"
td_ns="$(median "${td_times[@]}")"

# Whole-process wall time: synguard's includes JVM start-up (about 0.3-0.5 s),
# which matters less the bigger the file.
awk -v n="$packets" -v sg="$sg_ns" -v td="$td_ns" -v runs="$runs" 'BEGIN {
    printf "\n| tool | packets | median wall (s, %d runs) | packets/s |\n", runs
    printf "|---|---:|---:|---:|\n"
    printf "| synguard replay | %d | %.3f | %.2f M |\n", n, sg / 1e9, n / (sg / 1e9) / 1e6
    printf "| tcpdump -r -w /dev/null | %d | %.3f | %.2f M |\n", n, td / 1e9, n / (td / 1e9) / 1e6
    printf "\nratio synguard/tcpdump (packets/s): %.2f\n", td / sg
}'

echo
echo "synguard replay summary (last run):"
sed 's/^/    /' "$summary"

# A fast replay that did not see the packets is no result: check its SYN count
# against what the generator wrote (flood SYNs plus one per handshake).
want_syn=$((syns + handshakes))
got_syn="$(awk '$1 == "syn" { print $2; exit }' "$summary")"
if [[ "$got_syn" != "$want_syn" ]]; then
    echo "WARNING: synguard counted syn ${got_syn:-(none)}, the file holds $want_syn" >&2
fi
