#!/usr/bin/env bash
# The `bench` entry point: every benchmark script in tests/bench, one after the
# other, and one markdown report of their tables.
#
#   tests/bench/run-all.sh [--only "NAME ..."] [--skip "NAME ..."]
#                          [--with NAME=ARGS]... [--timeout SECONDS] [--out DIR]
#
# NAMEs, in the order they run (a script that does not exist is skipped and
# said so in the report):
#   replay-throughput   synguard replay vs tcpdump -r on a generated flood
#   memory              RSS and heap under 10 M distinct sources (replay, live IPv6 lab),
#                       bytes per tracked source / half-open entry (needs root for its
#                       live part: without root, pass --with memory='--parts "replay repeat footprint"')
#   jmh                 tests/bench/jmh.sh PipelineBenchmark with -prof gc: ns/op and B/op
#   live-capture, responder-rate, gc-live
#                       run when present (written separately)
#   any other executable tests/bench/*.sh (e.g. forgery), in name order, after
#   these (libraries that are sourced, not run, are not executable)
# --with NAME=ARGS gives a script its arguments (word-split; repeatable), e.g.
#   --with memory="--live-seconds 30" --with replay-throughput="--runs 1"
# --only / --skip choose scripts by NAME. --timeout bounds each script (default
# 3600 s). Each script's stdout (its markdown tables) goes into the report under
# its own heading, with its command, exit status and duration; its stderr goes
# to DIR/NAME.log. JMH's results are turned into a table here (from its CSV).
#
# The report: tests/bench/out/report-<UTC date and time>.md (also printed at the
# end), beside a header with the commit, the machine and the JDK. Exit status:
# 0 when every script that ran exited 0.
#
# Machine noise: the figures are from whatever else runs on the box; the report
# records the load average before and after each script.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source=SCRIPTDIR/../lib/common.sh
source "$here/../lib/common.sh"
root="$(repo_root)"

all=(replay-throughput memory jmh live-capture responder-rate gc-live)
# Benchmark scripts added later run too, after the known ones.
for f in "$here"/*.sh; do
    n="$(basename "$f" .sh)"
    [[ -x "$f" && "$n" != run-all && " ${all[*]} " != *" $n "* ]] && all+=("$n")
done
only=""
skip=""
timeout_s=3600
stamp="$(date -u +%Y-%m-%dT%H%M%SZ)"
out="$here/out"
declare -A with=()
args_line=""
if [[ $# -gt 0 ]]; then
    args_line="$(printf '%q ' "$@")"
    args_line="${args_line% }"
fi
while [[ $# -gt 0 ]]; do
    case "$1" in
        --only) only="$2"; shift 2 ;;
        --skip) skip="$2"; shift 2 ;;
        --with)
            [[ "$2" == *=* ]] || die "--with NAME=ARGS (got $2)"
            with["${2%%=*}"]="${2#*=}"
            shift 2
            ;;
        --timeout) timeout_s="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument: $1 (see --help)" ;;
    esac
done
[[ "$timeout_s" =~ ^[0-9]+$ && "$timeout_s" -gt 0 ]] || die "--timeout: not a positive number: $timeout_s"
for n in $only $skip "${!with[@]}"; do
    [[ " ${all[*]} " == *" $n "* ]] || die "unknown benchmark: $n (known: ${all[*]})"
done

logs="$out/$stamp"
mkdir -p "$logs"
report="$out/report-$stamp.md"
find_jdk25

# JMH's CSV (-rf csv) as a markdown table: each benchmark's score and its
# gc.alloc.rate.norm (B/op), the hot path's allocation budget being 0.
jmh_table() {
    python3 - "$1" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
if not rows:
    sys.exit("no rows in " + sys.argv[1])
err_key = next(k for k in rows[0] if k.startswith("Score Error"))
print("| benchmark | mode | samples | score | error (99.9%) | unit |")
print("|---|---|---:|---:|---:|---|")
for r in rows:
    name = r["Benchmark"].replace("net.synguard.bench.", "")
    if ":" in name and not name.endswith("gc.alloc.rate.norm"):
        continue  # keep the score and B/op; rates, counts and times are in the log
    params = "".join(", %s=%s" % (k[6:], v) for k, v in r.items() if k.startswith("Param: ") and v)
    num = lambda v: v if v in ("", "NaN") else "%.3g" % float(v) if abs(float(v)) < 10 else "%.1f" % float(v)
    print("| %s%s | %s | %s | %s | %s | %s |" % (name, params, r["Mode"], r["Samples"], num(r["Score"]), num(r[err_key]), r["Unit"]))
PY
}

# NAME -> the command that runs it (printed in the report), or nothing when absent.
command_for() {
    local n="$1" script
    case "$n" in
        jmh)
            script="$here/jmh.sh"
            [[ -x "$script" ]] || return 0
            printf '%q ' "$script" PipelineBenchmark -rf csv -rff "$logs/jmh.csv"
            ;;
        *)
            script="$here/$n.sh"
            [[ -x "$script" ]] || return 0
            printf '%q ' "$script"
            ;;
    esac
    printf '%s\n' "${with[$n]:-}"
}

host_line() {
    printf '%s cores, %s MiB RAM, kernel %s, %s' "$(nproc)" \
        "$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 }' /proc/meminfo)" "$(uname -r)" \
        "$("$JAVA_HOME/bin/java" -version 2>&1 | sed -n 2p)"
}
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

{
    echo "# synguard benchmarks, $stamp"
    echo
    echo "- commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet 2>/dev/null || echo ' (with uncommitted changes)')"
    echo "- machine: $(host_line)"
    echo "- command: tests/bench/run-all.sh${args_line:+ $args_line}"
    echo "- logs: $logs"
} >"$report"

failed=()
for n in "${all[@]}"; do
    if [[ -n "$only" && " $only " != *" $n "* ]] || [[ " $skip " == *" $n "* ]]; then
        continue
    fi
    cmd="$(command_for "$n")"
    {
        echo
        echo "## $n"
        echo
    } >>"$report"
    if [[ -z "$cmd" ]]; then
        log "$n: no tests/bench/$n.sh, skipped"
        echo "(not run: no tests/bench/$n.sh in this checkout)" >>"$report"
        continue
    fi
    log "$n: $cmd"
    load0="$(loadavg)"
    t0="$(date +%s)"
    rc=0
    # Word-split on purpose: the command is the script, fixed words and --with's ARGS.
    eval "timeout -k 10 $timeout_s $cmd" >"$logs/$n.out" 2>"$logs/$n.log" </dev/null || rc=$?
    took=$(($(date +%s) - t0))
    {
        echo "\`$cmd\` (exit $rc, ${took} s, load average $load0 before, $(loadavg) after)"
        echo
        if [[ "$n" == jmh && -s "$logs/jmh.csv" ]]; then
            jmh_table "$logs/jmh.csv" || echo "(could not read $logs/jmh.csv)"
        else
            cat "$logs/$n.out"
        fi
        if [[ "$rc" -ne 0 ]]; then
            echo
            echo "Failed (exit $rc$([[ "$rc" == 124 ]] && echo ": timed out after $timeout_s s")); the end of its log:"
            echo
            echo '```'
            tail -n 20 "$logs/$n.log"
            echo '```'
        fi
    } >>"$report"
    [[ "$rc" -eq 0 ]] || failed+=("$n")
    log "$n: exit $rc after ${took} s"
done

cat "$report"
echo
log "report: $report"
if [[ ${#failed[@]} -gt 0 ]]; then
    log "failed: ${failed[*]}"
    exit 1
fi
