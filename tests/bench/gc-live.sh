#!/usr/bin/env bash
# GC under a live flood: the synguard daemon in the namespace lab (tests/lab/lab.sh) with its GC
# logged (-Xlog:gc*) and a JFR recording (allocation samples), through an idle period and then a
# bounded spoofed SYN flood of the same length; prints the young collections of each period with
# their causes, and the sampled allocation sites of each period (thread, class, first synguard
# frame), so that "no allocation per packet" is checked on the real daemon. Outside CI: needs
# root, about 2.5-3 minutes with the defaults.
#
#   tests/bench/gc-live.sh [--seconds S] [--rate PPS] [--mode off|always] [--no-jfr] [--top N]
#
# Defaults: 60 s idle, then 60 s of flood by tcpreplay --pps 100000 (6,000,000 SYNs from
# 198.19.0.0/16, bounded by that count and a timeout), mitigation off (detection only; "always":
# the responder answers every SYN as well, caps out of the way), JFR on (its default settings:
# jdk.ObjectAllocationSample at up to 150 samples/s, each weighted by the bytes it stands for),
# the 15 heaviest sites per period. The daemon runs as the unit starts it (its -Xmx, G1) plus
# -Xlog:gc*:file=... and, unless --no-jfr, -XX:StartFlightRecording. JFR's own threads allocate
# too: they are listed with the rest (thread names tell). The server drops the flood in nft raw
# prerouting after br0's taps (no RST, no cookie from the kernel).
#
# Reported: young/mixed/full collections per period and their causes ("G1 Evacuation Pause" =
# eden full: allocation), total pause time, and the estimated bytes allocated per period
# (the sum of the samples' weights: an estimate, +-10%). Target (issue 5): no young collection
# caused by the flood, i.e. the flood period no worse than the idle one.
#
# The jar: SYNGUARD_JAR, else target/synguard.jar (built if stale). BENCH_KEEP=1 keeps the GC log,
# the recording and the daemon's files in /tmp/sg-bench-gc-live.
set -euo pipefail

if [[ -z "${SG_BENCH_BOUNDED:-}" ]]; then
    export SG_BENCH_BOUNDED=1
    exec timeout -k 10 900 bash "$0" "$@"
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source=SCRIPTDIR/../lib/common.sh
source "$here/../lib/common.sh"
root="$(repo_root)"
# shellcheck source=SCRIPTDIR/../lab/lab.sh
source "$root/tests/lab/lab.sh"
# shellcheck source=SCRIPTDIR/live-lib.sh
source "$here/live-lib.sh"

seconds=60
rate=100000
mode=off
jfr=1
top=15
while [[ $# -gt 0 ]]; do
    case "$1" in
        --seconds) seconds="$2"; shift 2 ;;
        --rate) rate="$2"; shift 2 ;;
        --mode) mode="$2"; shift 2 ;;
        --no-jfr) jfr=0; shift ;;
        --top) top="$2"; shift 2 ;;
        -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument: $1 (see --help)" ;;
    esac
done
for v in "$seconds" "$rate" "$top"; do
    [[ "$v" =~ ^[0-9]+$ ]] || die "not a number: $v"
done
((seconds >= 5 && seconds <= 300)) || die "--seconds: 5..300"
((rate >= 1000 && rate <= 1000000)) || die "--rate: 1000..1000000"
[[ "$mode" == off || "$mode" == always ]] || die "--mode: off or always"
count=$((rate * seconds))

[[ "$(id -u)" -eq 0 ]] || die "needs root (network namespaces)"
ensure_packages iproute2 nftables tcpreplay python3 curl libpcap0.8
if [[ -z "${SYNGUARD_JAR:-}" ]]; then
    build_jar
fi
find_jdk25
jfr_tool="$JAVA_HOME/bin/jfr"
[[ "$jfr" == 0 || -x "$jfr_tool" ]] || die "no jfr tool at $jfr_tool (or pass --no-jfr)"

bench_lab_up gc-live
load_start="$(bench_load)"

bench_drop_flood
lab_flood_prepare "$count" 80

dir="$BENCH_WORK/daemon"
gclog="$BENCH_WORK/gc.log"
rec="$BENCH_WORK/recording.jfr"
opts=("-Xlog:gc*:file=$gclog:uptime,level,tags")
[[ "$jfr" == 0 ]] || opts+=("-XX:StartFlightRecording=filename=$rec,dumponexit=true,settings=default")
bench_daemon_start daemon "$mode" "${opts[@]}"
pid="$BENCH_DAEMON_PID"

# Boundaries: epoch time and the GC log's line count (unified logging writes synchronously).
mark() { echo "$(bench_now) $(wc -l <"$gclog")"; }

# Start-up (JIT, JFR's first chunk) settles first: the idle period is a steady state.
bench_settle "$pid"
read -r t0 l0 < <(mark)
log "idle period: $seconds s"
sleep "$seconds"
read -r t1 l1 < <(mark)
log "flood period: $count SYNs at $rate/s (tcpreplay)"
tx0="$(bench_atk_tx)"
lab_flood_tcpreplay "$rate" "$count" 80 2>/dev/null
tx1="$(bench_atk_tx)"
read -r t2 l2 < <(mark)
bench_metrics "$BENCH_WORK/metrics.txt"
ip netns exec "$LAB_SRV" "$root/bin/synguard" status --config "$BENCH_DAEMON_CONF" >"$BENCH_WORK/status.txt" 2>&1 || true
bench_daemon_stop
sent=$((tx1 - tx0))

# Collections per period: the "Pause ..." summary line of each GC (tag [gc], level info).
gc_period() { # FROM_LINE TO_LINE -> "young mixed full other pause_ms causes"
    sed -n "$(($1 + 1)),$2p" "$gclog" | awk '
        /\]\[gc *\] GC\([0-9]+\) Pause/ {
            kind = "other"
            if ($0 ~ /Pause Young \((Normal|Concurrent Start|Prepare Mixed)\)/) kind = "young"
            else if ($0 ~ /Pause Young \(Mixed\)/) kind = "mixed"
            else if ($0 ~ /Pause Full/) kind = "full"
            n[kind]++
            if (match($0, /[0-9.]+ms$/)) ms += substr($0, RSTART, RLENGTH - 2) + 0
            c = $0; sub(/.*GC\([0-9]+\) /, "", c); sub(/ [0-9]+M->.*/, "", c); cause[c]++
        }
        END {
            s = ""; for (c in cause) s = s (s == "" ? "" : "; ") cause[c] " x " c
            printf "%d %d %d %d %.1f %s\n", n["young"], n["mixed"], n["full"], n["other"], ms, (s == "" ? "-" : s)
        }'
}
read -r iy im ifull _ ims icause < <(gc_period "$l0" "$l1")
read -r fy fm ff _ fms fcause < <(gc_period "$l1" "$l2")
gc_total="$(grep -c '\]\[gc *\] GC([0-9]*) Pause' "$gclog" || true)"

echo
echo "GC during a live flood (synguard run, mitigation $mode, $(grep -o -- '-Xmx[^ ]*' <<<"$LAB_UNIT_JAVA_OPTS" || echo default) heap):"
awk -v s="$seconds" -v t0="$t0" -v t1="$t1" -v t2="$t2" -v sent="$sent" -v rate="$rate" \
    -v iy="$iy" -v im="$im" -v if_="$ifull" -v ims="$ims" -v ic="$icause" \
    -v fy="$fy" -v fm="$fm" -v ff="$ff" -v fms="$fms" -v fc="$fcause" 'BEGIN {
        printf "\n| period | seconds | SYNs | young | mixed | full | pause total (ms) | causes |\n"
        printf "|---|---:|---:|---:|---:|---:|---:|---|\n"
        printf "| idle | %.1f | 0 | %d | %d | %d | %.1f | %s |\n", t1 - t0, iy, im, if_, ims, ic
        printf "| flood (tcpreplay --pps %d) | %.1f | %d | %d | %d | %d | %.1f | %s |\n", rate, t2 - t1, sent, fy, fm, ff, fms, fc
    }'
echo "(every collection since start: $gc_total; log lines $l0..$l1 idle, $l1..$l2 flood)"
echo "result mode=$mode idle_s=$seconds flood_syns=$sent idle_young=$iy idle_mixed=$im idle_full=$ifull flood_young=$fy flood_mixed=$fm flood_full=$ff flood_pause_ms=$fms"

if [[ "$jfr" == 1 ]]; then
    if [[ ! -s "$rec" ]]; then
        echo "no JFR recording at $rec (the daemon did not dump it at exit)" >&2
    else
        "$jfr_tool" print --json --events jdk.ObjectAllocationSample "$rec" >"$BENCH_WORK/alloc.json"
        python3 - "$BENCH_WORK/alloc.json" "$t0" "$t1" "$t2" "$top" <<'PY'
import datetime, json, sys
path, t0, t1, t2, top = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
events = json.load(open(path))["recording"]["events"]

def epoch(s):
    # "2026-11-22T04:45:23.338123456Z" or with an offset; keep microseconds.
    s = s.replace("Z", "+00:00")
    head, _, rest = s.partition(".")
    frac, tz = "", ""
    for i, ch in enumerate(rest):
        if not ch.isdigit():
            frac, tz = rest[:i], rest[i:]
            break
    else:
        frac = rest
    s = head + ("." + frac[:6] if frac else "") + tz
    return datetime.datetime.fromisoformat(s).timestamp()

def site(ev):
    frames = (ev["values"].get("stackTrace") or {}).get("frames") or []
    first = None
    for fr in frames:
        m = fr["method"]
        name = m["type"]["name"].replace("/", ".") + "." + m["name"]
        if first is None:
            first = name
        if name.startswith("net.synguard"):
            return name + ":" + str(fr.get("lineNumber", "?"))
    # JFR's allocation stacks stop at method-handle frames (seen: 5 frames ending in a
    # LambdaForm for FFM's address reads): say where the recorded stack ends.
    if frames:
        m = frames[-1]["method"]
        return "%s (stack ends in %s.%s)" % (first, m["type"]["name"].replace("/", "."), m["name"])
    return first or "?"

periods = {"idle": (t0, t1, {}), "flood": (t1, t2, {})}
for ev in events:
    v = ev["values"]
    t = epoch(v["startTime"])
    for name, (a, b, agg) in periods.items():
        if a <= t < b:
            thread = (v.get("eventThread") or {}).get("javaName") or "?"
            cls = ((v.get("objectClass") or {}).get("name") or "?").replace("/", ".")
            key = (thread, cls, site(ev))
            agg[key] = agg.get(key, 0) + int(v.get("weight", 0))
for name, (a, b, agg) in periods.items():
    total = sum(agg.values())
    print("\nSampled allocation, %s period: about %.1f MB in %.0f s (%.2f MB/s), heaviest sites:" %
          (name, total / 1e6, b - a, total / 1e6 / (b - a)))
    print("\n| thread | class | first synguard frame (else the top frame) | MB (est.) |")
    print("|---|---|---|---:|")
    for (thread, cls, where), w in sorted(agg.items(), key=lambda kv: -kv[1])[:top]:
        print("| %s | %s | %s | %.2f |" % (thread, cls, where, w / 1e6))
    print("result period=%s alloc_mb=%.1f alloc_mb_per_s=%.3f" % (name, total / 1e6, total / 1e6 / (b - a)))
PY
    fi
fi

echo
echo "load average (1/5/15 min) at the start: $load_start; at the end: $(bench_load) (2 cores; above 2, other work shared them)"
