#!/usr/bin/env bash
# Memory under floods of distinct spoofed sources: the process stays under its
# budget (default 512 MiB resident, the shipped unit's target) and stops growing
# once its tables are full.
#
#   tests/bench/memory.sh [--parts "replay repeat footprint live"] [--syns N]
#                         [--live-seconds S] [--live-modes "detect churn mitigate"]
#                         [--budget-mib M] [--java-opts "OPTS"] [--out DIR]
#
# Parts (default: all four):
#   replay     a capture of --syns (10,000,000) SYNs, each from its own source
#              (tests/bench/gen_flood.py --sources distinct: a bijection of the
#              IPv4 space), cached in /tmp, through `bin/synguard replay` with
#              the shipped unit's JVM options (systemd/synguard.service
#              SYNGUARD_JAVA_OPTS: -Xmx320m ...) and the default config;
#   repeat     the same number of SYNs from half as many sources, each sending
#              two (--repeat 2): every source earns a per-source cache entry and
#              its /24 a prefix entry, so the Caffeine caches fill and churn
#              (the one-SYN sources of `replay` pass through the fixed
#              first-sight table and cost no entry);
#   footprint  net.synguard.bench.MemoryFootprint (src/test): heap bytes per
#              tracked source, per destination and per half-open entry, from
#              the heap after full GCs around filling the real tables;
#   live       the namespace lab (tests/lab/lab.sh, root): the daemon as the
#              unit starts it on br0, and a trafgen IPv6 SYN flood from random
#              sources of 2001:db8:ffff::/48 (lab_spoof6_up routes them back to
#              the attacker, which drops them) for --live-seconds (60) or
#              10,000,000 SYNs, whichever comes first; once per mode: detect
#              (the default config: no protect list, no mitigation), churn (the
#              same, the sources drawn from a pool of 2^19 that repeat: about a
#              third of the SYNs earn a per-source entry and the full cache
#              churns, the allocation-heavy case) and mitigate (protect
#              [2001:db8::1]:80, mitigation mode always: the responder answers
#              every SYN with a cookie). The daemon runs with
#              -XX:NativeMemoryTracking=summary: the JVM's committed memory
#              (heap and the rest) is reported beside the RSS.
# Replays are sampled every 0.5 s, the daemon every 1 s: VmRSS and VmHWM from
# /proc/PID/status; `jcmd PID GC.class_histogram` (a full GC, then the count of
# live objects by class) runs once the tables are full (replay: 30% of the file
# read, from /proc/PID/io; live: half-time) and again near the end (replay: 80%;
# live: after the flood); -Xlog:gc gives the heap after each GC and the GC
# counts, and the two histograms the classes that grew in between (stderr).
#
# --java-opts: JVM options after the unit's (a later -Xmx wins), for trying a
# different heap or collector against the same floods.
#
# Output: markdown tables on stdout; samples, GC logs and summaries under --out
# (default /tmp/synguard-memory-<date>). Checks (exit 1 if one fails, after the
# tables): the peak RSS of every run is under --budget-mib; the heap after a
# full GC at the end is within 8 MiB (or 5%) of the one after the tables
# filled. Bounded: re-runs itself under `timeout 1800`.
set -euo pipefail

if [[ -z "${SG_MEMORY_BENCH_BOUNDED:-}" ]]; then
    export SG_MEMORY_BENCH_BOUNDED=1
    exec timeout -k 10 1800 bash "$0" "$@"
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source=SCRIPTDIR/../lib/common.sh
source "$here/../lib/common.sh"
root="$(repo_root)"
# shellcheck source=SCRIPTDIR/../lab/lab.sh
source "$root/tests/lab/lab.sh"

parts="replay repeat footprint live"
syns=10000000
live_seconds=60
live_modes="detect churn mitigate"
budget_mib=512
java_opts_extra=""
out="/tmp/synguard-memory-$(date -u +%Y%m%dT%H%M%SZ)"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --parts) parts="$2"; shift 2 ;;
        --syns) syns="$2"; shift 2 ;;
        --live-seconds) live_seconds="$2"; shift 2 ;;
        --live-modes) live_modes="$2"; shift 2 ;;
        --budget-mib) budget_mib="$2"; shift 2 ;;
        --java-opts) java_opts_extra="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument: $1 (see --help)" ;;
    esac
done
for v in "$syns" "$live_seconds" "$budget_mib"; do
    [[ "$v" =~ ^[0-9]+$ && "$v" -gt 0 ]] || die "not a positive number: $v"
done
want() { [[ " $parts " == *" $1 "* ]]; }
mkdir -p "$out"

ensure_packages libpcap0.8
find_jdk25
build_jar
command -v jcmd >/dev/null || die "jcmd not found in $JAVA_HOME/bin (a JDK, not a JRE, is needed)"

failures=0
checks=()
check_line() { # DESC OK(0|1)
    if [[ "$2" == 1 ]]; then checks+=("ok    $1"); else checks+=("FAIL  $1"); failures=$((failures + 1)); fi
}

# The unit's JVM options, its /var/log path moved to DIR, plus a GC log.
unit_java_opts() {
    local dir="$1" opts
    opts="$(sed -n 's/^Environment="SYNGUARD_JAVA_OPTS=\(.*\)"$/\1/p' "$root/systemd/synguard.service")"
    [[ "$opts" == *-Xmx* ]] || die "no SYNGUARD_JAVA_OPTS with -Xmx in systemd/synguard.service"
    opts="${opts//\/etc\/synguard\/logback.xml/$root/config/logback.xml}"
    opts="${opts//\/var\/log\/synguard/$dir}"
    opts="${opts//%%/%}"
    printf '%s%s -Xlog:gc:file=%s/gc.log:uptime,level,tags\n' "$opts" "${java_opts_extra:+ $java_opts_extra}" "$dir"
}

# "RSS_KB HWM_KB" of PID, or nothing once it is gone.
proc_mem() {
    awk '/^VmRSS:/ { r = $2 } /^VmHWM:/ { h = $2 } END { if (r != "") print r, h }' "/proc/$1/status" 2>/dev/null || true
}

# A full GC in PID and the class histogram after it (GC.class_histogram collects first), into
# FILE, in the background (the JVM keeps working while jcmd attaches). The GC's log line ("Pause
# Full (Heap Inspection Initiated GC) 95M->80M(384M)") gives the heap after it; two histograms
# say which classes grew in between (histo_growth).
force_gc() {
    jcmd "$1" GC.class_histogram >"$2" 2>&1 &
    force_gc_pid=$!
}
force_gc_pid=""

# The classes whose instances grew most in bytes from histogram FILE1 to FILE2: "class +bytes" x 5.
histo_growth() {
    awk 'FNR == NR && $1 ~ /^[0-9]+:$/ { b[$4] = $3; next }
         $1 ~ /^[0-9]+:$/ { d = $3 - b[$4]; if (d > 0) print d, $4 }' "$1" "$2" 2>/dev/null |
        sort -rn | head -n 5 | awk '{ printf "%s%s +%.1f KiB", sep, $2, $1 / 1024; sep = ", " } END { print "" }'
}

# From a -Xlog:gc file: "YOUNG FULL CONCURRENT_CYCLES FULL_AFTER_MB..." (the heap after each full GC).
gc_summary() {
    awk '/Pause Young/ { y++ } /Pause Full/ { f++; if (match($0, /->[0-9]+M/)) a = a " " substr($0, RSTART + 2, RLENGTH - 3) }
         /Concurrent (Mark|Undo) Cycle/ && !/ms$/ { c++ }
         END { printf "%d %d %d%s\n", y, f, c, a }' "$1"
}

mib_of_kb() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }

# ---------------------------------------------------------------- replay parts

capture_for() { # SYNS REPEAT -> cached capture path
    local n="$1" rep="$2" cap
    cap="/tmp/synguard-flood-distinct-s${n}-x${rep}.pcap"
    if [[ ! -s "$cap" || "$here/gen_flood.py" -nt "$cap" ]]; then
        log "generating $cap (about 3-5 s per million SYNs)"
        nice python3 "$here/gen_flood.py" --sources distinct --repeat "$rep" --syns "$n" --handshakes 0 \
            --out "$cap.tmp" || die "gen_flood.py failed"
        mv "$cap.tmp" "$cap"
    else
        log "using cached $cap"
    fi
    printf '%s\n' "$cap"
}

replay_rows=()
replay_run() { # TAG REPEAT
    local tag="$1" rep="$2" cap dir size pid t0 now pct mem gc1=0 gc2=0 hwm=0 rss=0 rc=0 wall
    cap="$(capture_for "$syns" "$rep")"
    dir="$out/replay-$tag"
    mkdir -p "$dir"
    size="$(stat -c %s "$cap")"
    cat "$cap" >/dev/null # page cache: time the replay, not the disk
    log "replay $tag: $cap"
    t0="$(date +%s%N)"
    SYNGUARD_JAVA_OPTS="$(unit_java_opts "$dir")" "$root/bin/synguard" replay --alerts "$dir/alerts.log" "$cap" \
        >/dev/null 2>"$dir/summary.txt" &
    pid=$!
    printf 't_s\trss_kb\thwm_kb\tread_pct\n' >"$dir/samples.tsv"
    while kill -0 "$pid" 2>/dev/null; do
        mem="$(proc_mem "$pid")"
        [[ -n "$mem" ]] || break
        read -r rss hwm <<<"$mem"
        # rchar: bytes read so far; the capture is nearly all of them.
        pct="$(awk -v s="$size" '/^rchar:/ { printf "%d", 100 * $2 / s }' "/proc/$pid/io" 2>/dev/null || echo 0)"
        now="$(date +%s%N)"
        printf '%s\t%s\t%s\t%s\n' "$(awk -v a="$t0" -v b="$now" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')" \
            "$rss" "$hwm" "${pct:-0}" >>"$dir/samples.tsv"
        if [[ "$gc1" == 0 && "${pct:-0}" -ge 30 ]]; then gc1=1; force_gc "$pid" "$dir/histo-1.txt"; fi
        if [[ "$gc2" == 0 && "${pct:-0}" -ge 80 ]]; then gc2=1; force_gc "$pid" "$dir/histo-2.txt"; fi
        sleep 0.5
    done
    wait "$pid" || rc=$?
    wait # the jcmd children
    wall="$(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')"
    [[ "$rc" == 0 ]] || { cat "$dir/summary.txt" >&2; die "synguard replay failed ($rc)"; }
    hwm="$(awk -F'\t' 'NR > 1 && $3 + 0 > m { m = $3 + 0 } END { print m + 0 }' "$dir/samples.tsv")"
    local young full conc a1 a2 syn_seen tracked prefixes half evicted
    read -r young full conc a1 a2 _ < <(gc_summary "$dir/gc.log")
    syn_seen="$(awk '$1 == "syn" { print $2 }' "$dir/summary.txt")"
    tracked="$(awk '$1 == "sources_tracked" { print $2 }' "$dir/summary.txt")"
    prefixes="$(awk '$1 == "prefixes_tracked" { print $2 }' "$dir/summary.txt")"
    half="$(awk '$1 == "half_open_at_end" { print $2 }' "$dir/summary.txt")"
    evicted="$(awk '$1 == "half_open_evicted" { print $2 }' "$dir/summary.txt")"
    [[ "$syn_seen" == "$syns" ]] || die "replay $tag counted syn ${syn_seen:-none}, the file holds $syns"
    replay_rows+=("| $tag | $syns | $(((syns + rep - 1) / rep)) x $rep | $(mib_of_kb "$hwm") | ${a1:-?} | ${a2:-?} | $young / $full / $conc | $tracked / $prefixes | $half / $evicted | $wall |")
    check_line "replay $tag: peak RSS $(mib_of_kb "$hwm") MiB < $budget_mib MiB" "$((hwm < budget_mib * 1024 ? 1 : 0))"
    if [[ -n "${a1:-}" && -n "${a2:-}" ]]; then
        check_line "replay $tag: heap after full GC ${a1} MiB (30%) -> ${a2} MiB (80%), growth <= max(8 MiB, 5%)" \
            "$(awk -v a="$a1" -v b="$a2" 'BEGIN { g = b - a; lim = a * 0.05; if (lim < 8) lim = 8; print (g <= lim) ? 1 : 0 }')"
    else
        check_line "replay $tag: two forced full GCs in the GC log (the replay ended before jcmd attached?)" 0
    fi
    echo "replay_$tag max_rss_mib=$(mib_of_kb "$hwm") heap_after_gc_30=${a1:-nan} heap_after_gc_80=${a2:-nan} young=$young full=$full concurrent=$conc sources_tracked=$tracked prefixes_tracked=$prefixes half_open=$half evicted=$evicted wall_s=$wall" >&2
    echo "replay_$tag grew between the full GCs: $(histo_growth "$dir/histo-1.txt" "$dir/histo-2.txt")" >&2
}

# ---------------------------------------------------------------- footprint part

footprint() {
    local cpfile="$root/target/jmh-test-classpath.txt" opts
    # Maven's output to stderr: stdout is the tables.
    (cd "$root" && mvn -B -q -DskipTests test-compile </dev/null >&2) || die "test-compile failed"
    if [[ ! -s "$cpfile" || "$root/pom.xml" -nt "$cpfile" ]]; then
        (cd "$root" && mvn -B -q dependency:build-classpath -Dmdep.outputFile="$cpfile" -Dmdep.includeScope=test \
            </dev/null >&2) || die "dependency:build-classpath failed"
    fi
    # The unit's heap flags but a larger -Xmx: the measurement holds a pipeline, a full source
    # cache and a tracker at once. Same GC (G1), same compressed pointers (any -Xmx < 32 GiB).
    java -Xmx1g --enable-native-access=ALL-UNNAMED \
        -cp "$root/target/test-classes:$root/target/classes:$(cat "$cpfile")" \
        net.synguard.bench.MemoryFootprint >"$out/footprint.txt" 2>&1 || { cat "$out/footprint.txt" >&2; die "MemoryFootprint failed"; }
}

# ---------------------------------------------------------------- live part

live_rows=()
live_run() { # MODE (detect|churn|mitigate)
    local mode="$1" bits=80 dir conf pid i t0 now secs tx0 tx rss hwm mem half_t gc1=0 mid_rss="" sent
    case "$mode" in
        detect | mitigate) ;;
        churn) bits=19 ;;
        *) die "live mode: detect, churn or mitigate (got $mode)" ;;
    esac
    dir="$out/live-$mode"
    mkdir -p "$dir/state"
    conf="$dir/synguard.conf"
    {
        echo "synguard {"
        echo "  interfaces = [ \"$LAB_IF\" ]"
        echo "  alerts { file = \"$dir/alerts.log\" }"
        echo "  metrics { listen = \"127.0.0.1:9479\" }"
        echo "  state-dir = \"$dir/state\""
        if [[ "$mode" == mitigate ]]; then
            echo "  protect = [ { address = \"$LAB_SRV_IP6\", ports = [ 80 ] } ]"
            echo "  mitigation { mode = \"always\" }"
        fi
        echo "}"
    } >"$conf"
    lab_unit_command "$conf" "$dir"
    # Not through a function: $! must be the JVM's pid (ip netns exec, env and the launcher exec).
    # shellcheck disable=SC2086 # the unit's argument words
    # NativeMemoryTracking: the JVM's own account of its memory (heap, metaspace, code, GC, threads)
    # for the breakdown of the RSS; what is left of the RSS is outside the JVM (libpcap's ring).
    ip netns exec "$LAB_SRV" env SYNGUARD_JAVA_OPTS="$LAB_UNIT_JAVA_OPTS${java_opts_extra:+ $java_opts_extra} -XX:NativeMemoryTracking=summary -Xlog:gc:file=$dir/gc.log:uptime,level,tags" \
        "$root/bin/synguard" $LAB_UNIT_ARGS >"$dir/daemon.log" 2>&1 </dev/null &
    pid=$!
    lab_register_pid "$pid"
    for ((i = 0; i < 300; i++)); do
        grep -q "capturing on $LAB_IF" "$dir/daemon.log" 2>/dev/null && break
        _lab_alive "$pid" || { tail -n 30 "$dir/daemon.log" >&2; die "synguard exited during start-up"; }
        sleep 0.1
    done
    grep -q "capturing on $LAB_IF" "$dir/daemon.log" || die "synguard not capturing on $LAB_IF within 30 s"
    mem="$(proc_mem "$pid")"
    local start_rss="${mem%% *}"
    log "live $mode: daemon pid $pid capturing (RSS $(mib_of_kb "$start_rss") MiB); flood for ${live_seconds} s"
    tx0="$(lab_atk_tx)"
    lab_flood6_bg_start 10000000 "$live_seconds" 80 "$bits"
    t0="$(date +%s)"
    half_t=$((live_seconds / 2))
    printf 't_s\trss_kb\thwm_kb\tsent\n' >"$dir/samples.tsv"
    while _lab_alive "$LAB_FLOOD_PID"; do
        sleep 1
        now="$(date +%s)"
        secs=$((now - t0))
        mem="$(proc_mem "$pid")"
        [[ -n "$mem" ]] || die "the daemon died during the flood (see $dir/daemon.log)"
        read -r rss hwm <<<"$mem"
        tx="$(lab_atk_tx)"
        printf '%s\t%s\t%s\t%s\n' "$secs" "$rss" "$hwm" "$((tx - tx0))" >>"$dir/samples.tsv"
        if [[ "$gc1" == 0 && "$secs" -ge "$half_t" ]]; then
            gc1=1
            mid_rss="$rss"
            force_gc "$pid" "$dir/histo-1.txt"
        fi
    done
    # Directly, not in $(...): it must wait for the flood and clear LAB_FLOOD_PID.
    lab_flood_bg_stop >/dev/null
    sent="$LAB_FLOOD_SENT"
    # After the flood, the daemon still holds its full tables: the second full GC.
    [[ -z "$force_gc_pid" ]] || wait "$force_gc_pid" || true # the half-time histogram
    force_gc_pid=""
    jcmd "$pid" GC.class_histogram >"$dir/histo-2.txt" 2>&1 || true
    mem="$(proc_mem "$pid")"
    read -r rss hwm <<<"$mem"
    jcmd "$pid" VM.native_memory summary scale=MB >"$dir/nmt.txt" 2>&1 || true
    # libpcap's TPACKET ring is a mapping of the packet socket: its resident part is in the RSS but
    # outside the JVM's account.
    local ring_kb
    ring_kb="$(awk '$1 ~ /^[0-9a-f]+-[0-9a-f]+$/ { name = $6 } /^Rss:/ && name ~ /^socket:/ { s += $2 }
        END { print s + 0 }' "/proc/$pid/smaps" 2>/dev/null || echo 0)"
    ip netns exec "$LAB_SRV" curl -s --max-time 3 "http://127.0.0.1:9479/metrics" >"$dir/metrics.txt" 2>/dev/null || true
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 200; i++)); do _lab_alive "$pid" || break; sleep 0.1; done
    lab_stop_pid "$pid"
    local young full conc a1 a2 secs_total rate captured sources half evicted nmt
    read -r young full conc a1 a2 _ < <(gc_summary "$dir/gc.log")
    nmt="$(awk '/^Total: reserved/ { sub(/.*committed=/, ""); sub(/MB.*/, ""); t = $0 }
                /Java Heap \(/ { sub(/.*committed=/, ""); sub(/MB.*/, ""); h = $0 }
                END { if (t != "") printf "%d / %d", h, t - h; else printf "?" }' "$dir/nmt.txt" 2>/dev/null)"
    secs_total="$(awk -F'\t' 'END { print $1 }' "$dir/samples.tsv")"
    # An if, not "s > 0 ? ...": awk can read a bare ">" in printf's arguments as a redirection.
    rate="$(awk -v n="$sent" -v s="$secs_total" 'BEGIN { r = 0; if (s + 0 > 0) r = n / s; printf "%.0f", r }')"
    hwm="$(awk -F'\t' 'NR > 1 && $3 + 0 > m { m = $3 + 0 } END { print m + 0 }' "$dir/samples.tsv")"
    captured="$(awk '$1 ~ /^synguard_capture_received/ { s += $2 } END { printf "%.0f", s }' "$dir/metrics.txt")"
    sources="$(awk '$1 ~ /^synguard_sources_tracked/ { s += $2 } END { printf "%.0f", s }' "$dir/metrics.txt")"
    half="$(awk '$1 ~ /^synguard_half_open\{/ { s += $2 } END { printf "%.0f", s }' "$dir/metrics.txt")"
    evicted="$(awk '$1 ~ /^synguard_half_open_evicted/ { s += $2 } END { printf "%.0f", s }' "$dir/metrics.txt")"
    live_rows+=("| $mode | $sent in ${secs_total} s ($rate/s) | $captured | $(mib_of_kb "$start_rss") | $(mib_of_kb "${mid_rss:-0}") | $(mib_of_kb "$rss") | $(mib_of_kb "$hwm") | $nmt | $(mib_of_kb "$ring_kb") | ${a1:-?} | ${a2:-?} | $young / $full / $conc | $sources | $half / $evicted |")
    check_line "live $mode: peak RSS $(mib_of_kb "$hwm") MiB < $budget_mib MiB" "$((hwm < budget_mib * 1024 ? 1 : 0))"
    if [[ -n "${a1:-}" && -n "${a2:-}" ]]; then
        check_line "live $mode: heap after full GC ${a1} MiB (half-time) -> ${a2} MiB (end), growth <= max(8 MiB, 5%)" \
            "$(awk -v a="$a1" -v b="$a2" 'BEGIN { g = b - a; lim = a * 0.05; if (lim < 8) lim = 8; print (g <= lim) ? 1 : 0 }')"
    else
        check_line "live $mode: two forced full GCs in the GC log" 0
    fi
    echo "live_$mode sent=$sent secs=$secs_total rate=$rate captured=$captured rss_start_mib=$(mib_of_kb "$start_rss") rss_mid_mib=$(mib_of_kb "${mid_rss:-0}") rss_end_mib=$(mib_of_kb "$rss") max_rss_mib=$(mib_of_kb "$hwm") heap_after_gc_mid=${a1:-nan} heap_after_gc_end=${a2:-nan} young=$young full=$full concurrent=$conc" >&2
    echo "live_$mode grew between the full GCs: $(histo_growth "$dir/histo-1.txt" "$dir/histo-2.txt")" >&2
}

# ---------------------------------------------------------------- run

if want replay; then replay_run distinct 1; fi
if want repeat; then replay_run repeat2 2; fi
if want footprint; then footprint; fi
if want live; then
    [[ "$(id -u)" -eq 0 ]] || die "the live part needs root (network namespaces); --parts without live"
    ensure_packages iproute2 nftables nginx netsniff-ng curl
    lab_up
    lab_trap
    lab_spoof6_up
    # A listener with kernel SYN cookies: the SYNs that reach the kernel are answered (to the
    # attacker, which drops the answers), so the daemon's half-open table fills as in a real flood.
    lab_server_sysctls 1
    lab_start_http 80
    for m in $live_modes; do live_run "$m"; done
    lab_down
fi

echo
echo "### Memory (tests/bench/memory.sh, budget $budget_mib MiB resident${java_opts_extra:+, extra JVM options: $java_opts_extra})"
if [[ ${#replay_rows[@]} -gt 0 ]]; then
    echo
    echo "Replay with the unit's JVM options ($(sed -n 's/^Environment="SYNGUARD_JAVA_OPTS=\(-Xmx[^ ]*\).*/\1/p' "$root/systemd/synguard.service"), G1) and the default config; heap after the forced full GCs at 30% and 80% of the file:"
    echo
    echo "| capture | SYNs | sources x SYNs each | peak RSS (MiB) | heap after GC 30% (MiB) | heap after GC 80% (MiB) | GCs young / full / concurrent | sources / prefixes tracked at end | half-open at end / evicted | wall (s) |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    printf '%s\n' "${replay_rows[@]}"
fi
if want footprint; then
    echo
    echo "Heap per entry (net.synguard.bench.MemoryFootprint, heap used after full GCs):"
    echo
    grep '^|' "$out/footprint.txt"
    echo
    grep '^JVM:' "$out/footprint.txt" || true
fi
if [[ ${#live_rows[@]} -gt 0 ]]; then
    echo
    echo "Live, namespace lab: the daemon as the unit starts it on br0; trafgen -P1 IPv6 SYNs from random sources of $LAB_SPOOF_NET6 (detect, mitigate: 80 random bits, all distinct; churn: a pool of 2^19 that repeat) for up to ${live_seconds} s; RSS sampled every second; full GCs forced at half-time and after the flood; JVM committed memory from NativeMemoryTracking at the end:"
    echo
    echo "| mode | SYNs sent | frames captured | RSS at start (MiB) | RSS at half-time | RSS at end | peak RSS | JVM committed heap / rest (MiB) | capture ring resident (MiB) | heap after GC half-time (MiB) | heap after GC end (MiB) | GCs young / full / concurrent | sources tracked | half-open / evicted |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    printf '%s\n' "${live_rows[@]}"
fi
echo
printf '%s\n' "${checks[@]}"
echo "results: $out"
[[ "$failures" -eq 0 ]]
