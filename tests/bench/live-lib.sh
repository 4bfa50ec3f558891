# shellcheck shell=bash
# Shared parts of the live benchmarks in the namespace lab (tests/bench/live-capture.sh,
# responder-rate.sh, gc-live.sh). Source it after tests/lib/common.sh and tests/lab/lab.sh; do
# not run it.
#
#   bench_lab_up NAME         a work directory (BENCH_WORK, /tmp/sg-bench-NAME.*: removed at exit, or
#                             kept as /tmp/sg-bench-NAME with BENCH_KEEP=1), the lab up, its traps
#   bench_drop_flood          an nft table in the server ns that drops the spoofed flood right
#                             after br0's packet taps, before the IP stack (no listener, no RST,
#                             no cookie): the capture sees it, the kernel does no work for it
#   bench_daemon_start TAG MODE [JAVA_OPTS...]
#                             synguard run in the server ns as the unit starts it (its JVM options
#                             plus JAVA_OPTS), capturing on br0, protecting LAB_SRV_IP:80;
#                             MODE off (detection only) or always (responder answers every SYN,
#                             the rate caps and back-off set out of the way: see below). Waits
#                             until it captures and answers `status`; sets BENCH_DAEMON_PID,
#                             BENCH_DAEMON_DIR, BENCH_DAEMON_CONF
#   bench_daemon_stop         SIGTERM, up to 20 s (the unit's TimeoutStopSec), then KILL
#   bench_tcpdump_start TAG [OPTS...]
#                             tcpdump -w /dev/null on br0 in the server ns, same buffer as
#                             synguard's default capture (capture.buffer-size 64 MiB), snaplen
#                             128, filter "tcp", plus OPTS (e.g. --immediate-mode, which synguard's
#                             capture used before it read 1 ms blocks); sets BENCH_TCPDUMP_PID,
#                             BENCH_TCPDUMP_ERR
#   bench_tcpdump_stop        SIGINT, wait; BENCH_TCPDUMP_CAPTURED, BENCH_TCPDUMP_DROPPED (its
#                             "dropped by kernel" over its whole life)
#   bench_cpu_ticks PID       utime+stime of PID, all threads (clock ticks, /proc/PID/stat)
#   bench_thread_ticks PID NAME
#                             utime+stime of PID's thread called NAME (its comm, e.g. send-br0,
#                             capture-br0); "nan" when there is none
#   bench_settle PID [MAX_S]  wait until PID uses at most 5% of a core over a second (JIT
#                             compiles, table expiry and the like that a flood leaves behind),
#                             at most MAX_S (30) seconds; BENCH_SETTLED=1 when it did
#   bench_metrics FILE        scrape the daemon's /metrics into FILE
#   bench_series FILE REGEX   sum of the synguard_ series matching REGEX in a scrape ("nan" if none)
#   bench_atk_rx / bench_atk_tx    the attacker interface's packet counters
#   bench_now                 seconds since the epoch, ns resolution
#   bench_load                the 1, 5 and 15 minute load averages (other work on the machine
#                             skews every figure: the scripts print it with their tables)
#
# Knobs: BENCH_METRICS_PORT (9478, inside the server ns), BENCH_CAPTURE_BUFFER ("64m").

if [[ -n "${SYNGUARD_BENCH_LIVE_LIB:-}" ]]; then
    return 0
fi
SYNGUARD_BENCH_LIVE_LIB=1

BENCH_LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
BENCH_ROOT="$(cd "$BENCH_LIB_DIR/../.." && pwd -P)"
BENCH_METRICS_PORT="${BENCH_METRICS_PORT:-9478}"
# shellcheck disable=SC2034 # used by the benchmarks that source this
BENCH_CLK_TCK="$(getconf CLK_TCK)"
BENCH_DAEMON_PID=""
BENCH_TCPDUMP_PID=""

bench_now() { date +%s.%N; }
bench_load() { awk '{ print $1, $2, $3 }' /proc/loadavg; }

bench_cpu_ticks() {
    local st
    st="$(cat "/proc/$1/stat")" || return 1
    # "pid (comm) state ppid ..." : after the last ") ", utime and stime are fields 12 and 13.
    st="${st##*) }"
    awk '{ print $12 + $13 }' <<<"$st"
}

bench_settle() {
    local pid="${1:?bench_settle PID [MAX_S]}" max="${2:-30}" a b i
    # shellcheck disable=SC2034 # read by the callers
    BENCH_SETTLED=0
    a="$(bench_cpu_ticks "$pid")"
    for ((i = 0; i < max; i++)); do
        sleep 1
        b="$(bench_cpu_ticks "$pid")"
        if ((100 * (b - a) <= 5 * BENCH_CLK_TCK)); then
            # shellcheck disable=SC2034 # read by the callers
            BENCH_SETTLED=1
            return 0
        fi
        a="$b"
    done
}

# Every thread's "NAME TICKS" (utime+stime), one line each; threads that share a name are summed.
bench_threads() {
    local pid="${1:?bench_threads PID}" t st
    for t in /proc/"$pid"/task/*; do
        st="$(cat "$t/stat" 2>/dev/null)" || continue
        printf '%s %s\n' "$(tr ' ' '_' <"$t/comm")" "$(awk '{ print $12 + $13 }' <<<"${st##*) }")"
    done | awk '{ n[$1] += $2 } END { for (k in n) print k, n[k] }'
}

# Where a window's CPU went: the threads whose ticks grew between two bench_threads files, most
# first, as "name=seconds" (the top 8).
bench_threads_delta() {
    local before="${1:?bench_threads_delta BEFORE AFTER}" after="${2:?}"
    awk -v hz="$BENCH_CLK_TCK" 'NR == FNR { b[$1] = $2; next }
        { d = $2 - b[$1]; if (d > 0) printf "%d %s=%.2f\n", d, $1, d / hz }' "$before" "$after" |
        sort -rn | head -n 8 | awk '{ printf "%s%s", (NR > 1 ? " " : ""), $2 } END { print "" }'
}

bench_thread_ticks() {
    local pid="${1:?bench_thread_ticks PID NAME}" name="${2:?}" t st
    for t in /proc/"$pid"/task/*; do
        [[ "$(cat "$t/comm" 2>/dev/null)" == "$name" ]] || continue
        st="$(cat "$t/stat" 2>/dev/null)" || continue
        st="${st##*) }"
        awk '{ print $12 + $13 }' <<<"$st"
        return 0
    done
    echo nan
}

bench_atk_rx() { ip netns exec "$LAB_ATK" cat "/sys/class/net/$LAB_ATK_IF/statistics/rx_packets"; }
bench_atk_tx() { ip netns exec "$LAB_ATK" cat "/sys/class/net/$LAB_ATK_IF/statistics/tx_packets"; }

bench_metrics() {
    ip netns exec "$LAB_SRV" curl -s --max-time 3 "http://127.0.0.1:$BENCH_METRICS_PORT/metrics" >"$1" 2>/dev/null ||
        : >"$1"
}

bench_series() {
    awk -v p="${2:?bench_series FILE REGEX}" '!/^#/ && $1 ~ /^synguard_/ && $1 ~ p { s += $2; found = 1 }
        END { if (found) printf "%.0f\n", s; else print "nan" }' "${1:?}"
}

bench_lab_up() {
    BENCH_NAME="${1:?bench_lab_up NAME}"
    BENCH_WORK="$(mktemp -d "/tmp/sg-bench-$BENCH_NAME.XXXXXX")"
    trap _bench_keep_work EXIT
    lab_up
    lab_trap
}

_bench_keep_work() {
    if [[ "${BENCH_KEEP:-0}" == 1 ]]; then
        rm -rf "/tmp/sg-bench-$BENCH_NAME"
        mv "$BENCH_WORK" "/tmp/sg-bench-$BENCH_NAME" && log "kept in /tmp/sg-bench-$BENCH_NAME"
    else
        rm -rf "$BENCH_WORK"
    fi
}

bench_drop_flood() {
    ip netns exec "$LAB_SRV" nft -f - <<EOF || die "nft in the server ns failed"
table inet sgbench {
    chain pre {
        type filter hook prerouting priority raw - 10; policy accept;
        ip saddr $LAB_SPOOF_NET counter drop
    }
}
EOF
}

bench_daemon_start() {
    local tag="${1:?bench_daemon_start TAG MODE [JAVA_OPTS...]}" mode="${2:?}" mitigation
    shift 2
    BENCH_DAEMON_DIR="$BENCH_WORK/$tag"
    mkdir -p "$BENCH_DAEMON_DIR/state"
    BENCH_DAEMON_CONF="$BENCH_DAEMON_DIR/synguard.conf"
    case "$mode" in
        off) mitigation='mitigation { mode = "off" }' ;;
        # Every SYN answered: no global or per-/24 cap below the lab's rate (the flood's 65,536
        # sources share 256 /24 prefixes: about 1,500 SYN/s each at 400k/s), and no back-off of
        # sources that leave their challenges unanswered (spoofed ones all do; the flood repeats
        # each source about every 0.2 s, far under the limit of 1000 in a run of a few seconds).
        always)
            mitigation='mitigation { mode = "always", handoff = "retry", max-synack-rate = 10000000,
    prefix-synack-rate = 10000000, unanswered-limit = 1000, unanswered-backoff = 0s }'
            ;;
        *) _lab_die "bench_daemon_start: MODE is off or always (got $mode)" ;;
    esac
    cat >"$BENCH_DAEMON_CONF" <<EOF
synguard {
  interfaces = [ "$LAB_IF" ]
  protect = [ { address = "$LAB_SRV_IP", ports = [ 80 ] } ]
  $mitigation
  alerts { file = "$BENCH_DAEMON_DIR/alerts.log" }
  metrics { listen = "127.0.0.1:$BENCH_METRICS_PORT" }
  state-dir = "$BENCH_DAEMON_DIR/state"
}
EOF
    # The JVM's own pid (lab_daemon_launch): its /proc/PID/stat is what the benchmarks read.
    lab_daemon_launch "$BENCH_DAEMON_CONF" "$BENCH_DAEMON_DIR" "$@"
    BENCH_DAEMON_PID="$LAB_DAEMON_PID"
    lab_daemon_await "$BENCH_DAEMON_PID" "$BENCH_DAEMON_DIR/daemon.log" _bench_ready "$mode" || {
        (($? == 1)) && _lab_die "synguard exited during start-up (log above)"
        _lab_die "synguard not ready within 30 s"
    }
    _lab_log "synguard (mitigation $mode) ready, pid $BENCH_DAEMON_PID"
}

# Ready beyond capturing: it answers `synguard status`, and with mitigation its table exists.
_bench_ready() {
    ip netns exec "$LAB_SRV" "$BENCH_ROOT/bin/synguard" status --config "$BENCH_DAEMON_CONF" \
        >"$BENCH_DAEMON_DIR/status-start.txt" 2>&1 &&
        { [[ "$1" == off ]] || ip netns exec "$LAB_SRV" nft list table inet synguard >/dev/null 2>&1; }
}

bench_daemon_stop() {
    lab_daemon_stop "$BENCH_DAEMON_PID"
    BENCH_DAEMON_PID=""
}

bench_tcpdump_start() {
    local tag="${1:?bench_tcpdump_start TAG [OPTS...]}" i
    shift
    mkdir -p "$BENCH_WORK/$tag"
    BENCH_TCPDUMP_ERR="$BENCH_WORK/$tag/tcpdump.err"
    # -B in KiB: the same kernel buffer as synguard's capture.buffer-size default.
    ip netns exec "$LAB_SRV" tcpdump -i "$LAB_IF" -nn -B 65536 -s 128 -Z root "$@" -w /dev/null tcp \
        </dev/null 2>"$BENCH_TCPDUMP_ERR" &
    BENCH_TCPDUMP_PID=$!
    lab_register_pid "$BENCH_TCPDUMP_PID"
    for ((i = 0; i < 50; i++)); do
        grep -q 'listening on' "$BENCH_TCPDUMP_ERR" 2>/dev/null && return 0
        _lab_alive "$BENCH_TCPDUMP_PID" || break
        sleep 0.1
    done
    cat "$BENCH_TCPDUMP_ERR" >&2
    _lab_die "tcpdump did not start on $LAB_IF"
}

bench_tcpdump_stop() {
    [[ -n "$BENCH_TCPDUMP_PID" ]] || return 0
    # The last partial TPACKET_V3 block reaches tcpdump after libpcap's 1 s block timeout.
    sleep 1.2
    kill -INT "$BENCH_TCPDUMP_PID" 2>/dev/null || true
    lab_stop_pid "$BENCH_TCPDUMP_PID"
    BENCH_TCPDUMP_PID=""
    BENCH_TCPDUMP_CAPTURED="$(awk '/packets captured/ { print $1; exit }' "$BENCH_TCPDUMP_ERR")"
    BENCH_TCPDUMP_DROPPED="$(awk '/dropped by kernel/ { print $1; exit }' "$BENCH_TCPDUMP_ERR")"
    BENCH_TCPDUMP_CAPTURED="${BENCH_TCPDUMP_CAPTURED:-nan}"
    BENCH_TCPDUMP_DROPPED="${BENCH_TCPDUMP_DROPPED:-nan}"
}
