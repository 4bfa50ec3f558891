# shellcheck shell=bash
# Mitigation phases in the namespace lab: one place for what tests/e2e/70-mitigation-lab.sh
# measures and bin/demo shows. Source it after tests/lib/common.sh and tests/lab/lab.sh; do not
# run it. Needs what lab.sh needs plus curl, and a synguard jar for the daemon phases.
#
# A phase: the server is reset (sysctls, tcp_metrics flushed, nginx restarted: half-open entries
# of the previous phase live for about 63 s), optionally the daemon started; then a capture of
# every SYN, SYN-ACK and RST on br0, a SYN-RECV sampler (100 ms), the flood, and after MIT_LEAD
# seconds of flood the legitimate clients (tests/lab/connect_clients.py, 4 workers, a fresh
# source address per request) for MIT_CLIENT_SECONDS; then everything stops and is measured.
#
#   mit_lab_up WORK                   lab_up + the clients' source pool; results under WORK
#   mit_server_reset COOKIES          tcp_syncookies=COOKIES, tcp_max_syn_backlog=128, no metrics,
#                                     nginx restarted with listen backlog MIT_BACKLOG
#   mit_daemon_start TAG HANDOFF      synguard run in the server ns (mode always, HANDOFF retry|reset)
#                                     as the unit starts it; waits for status and `table inet
#                                     synguard`; sets MIT_DAEMON_PID, MIT_DAEMON_DIR
#   mit_daemon_stop                   SIGTERM (KILL after 20 s, the unit's TimeoutStopSec), wait
#   mit_table_present                 status 0 while `table inet synguard` exists in the server ns
#   mit_phase TAG FLOOD RATE [CLIENT ARGS...]
#                                     run one phase; FLOOD none|tcpreplay|max; leaves its figures
#                                     as a key=value line in MIT_RESULT and WORK/TAG/result
#   mit_alert_errors FILE             alert events that report a failure (printed; status 0 if none)
#   mit_series FILE PATTERN           sum of the synguard_ series matching PATTERN in a scrape
#
# Knobs: MIT_BACKLOG (nginx listen backlog, 64), MIT_LEAD (0.5 s), MIT_CLIENT_SECONDS (5),
# MIT_METRICS_PORT (9477, inside the server ns), MIT_CAPTURE (1; 0 = no capture, no audit),
# MIT_FLOOD_COUNT_TCPREPLAY (50k pps x 15 s), MIT_FLOOD_COUNT_MAX (4M: the bound, not the plan:
# the flood is stopped when the clients are done).

if [[ -n "${SYNGUARD_MITIGATION_SH:-}" ]]; then
    return 0
fi
SYNGUARD_MITIGATION_SH=1

MIT_LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
MIT_ROOT="$(cd "$MIT_LIB_DIR/../.." && pwd -P)"
MIT_BACKLOG="${MIT_BACKLOG:-64}"
MIT_LEAD="${MIT_LEAD:-0.5}"
MIT_CLIENT_SECONDS="${MIT_CLIENT_SECONDS:-5}"
MIT_METRICS_PORT="${MIT_METRICS_PORT:-9477}"
MIT_CAPTURE="${MIT_CAPTURE:-1}"
MIT_FLOOD_COUNT_TCPREPLAY="${MIT_FLOOD_COUNT_TCPREPLAY:-750000}"
MIT_FLOOD_COUNT_MAX="${MIT_FLOOD_COUNT_MAX:-4000000}"
# Clients' sources: one /21 (2046 addresses) per phase, more than the most requests a phase
# makes (4 workers x 50/s x 5 s = 1000): every request comes from an address neither the kernel
# nor synguard has seen, so each one needs a handshake of its own through the defence.
MIT_SOURCE_POOL=198.18.64.0/18
MIT_SLICE=0
MIT_DAEMON_PID=""

mit_lab_up() {
    MIT_WORK="${1:?mit_lab_up WORK}"
    mkdir -p "$MIT_WORK"
    lab_up
    lab_client_sources "$MIT_SOURCE_POOL"
}

mit_server_reset() {
    local cookies="${1:?mit_server_reset COOKIES}"
    lab_server_sysctls "$cookies" 128
    lab_stop_http 80
    lab_start_http 80 "$MIT_BACKLOG"
    # lab_start_http's probes came from the client's own address; with tcp_no_metrics_save=1
    # nothing should be remembered, but a flush costs nothing.
    ip -n "$LAB_SRV" tcp_metrics flush all 2>/dev/null || true
}

# The next unused /21 of the pool.
# Sets MIT_SOURCES to the next unused /21 of client sources. Not a $(...) function: the counter
# must advance in this shell (in a subshell every phase got the same slice, and later phases ran
# with clients verified by earlier ones).
_mit_next_sources() {
    local third=$((64 + 8 * MIT_SLICE))
    MIT_SLICE=$((MIT_SLICE + 1))
    ((third < 128)) || _lab_die "mitigation.sh: the clients' source pool is used up (8 phases per lab)"
    MIT_SOURCES="198.18.$third.0/21"
}

_mit_srv() { ip netns exec "$LAB_SRV" "$@"; }

mit_daemon_start() {
    local tag="${1:?mit_daemon_start TAG HANDOFF}" handoff="${2:?}" conf
    MIT_DAEMON_DIR="$MIT_WORK/$tag/daemon"
    mkdir -p "$MIT_DAEMON_DIR/state"
    conf="$MIT_DAEMON_DIR/synguard.conf"
    cat >"$conf" <<EOF
synguard {
  interfaces = [ "$LAB_IF" ]
  protect = [ { address = "$LAB_SRV_IP", ports = [ 80 ] } ]
  mitigation { mode = "always", handoff = "$handoff", verified-timeout = 10m }
  alerts { file = "$MIT_DAEMON_DIR/alerts.log" }
  metrics { listen = "127.0.0.1:$MIT_METRICS_PORT" }
  state-dir = "$MIT_DAEMON_DIR/state"
}
EOF
    # The unit's command line and JVM options, its /etc and /var paths moved into the phase's
    # directory (as tests/e2e/50-daemon-live.sh does): the daemon under test is the shipped one.
    lab_daemon_launch "$conf" "$MIT_DAEMON_DIR"
    MIT_DAEMON_PID="$LAB_DAEMON_PID"
    # Ready = it captures on the bridge (the responder answers what the capture hands it), its
    # nftables table exists (mode always installs it at start) and it answers `synguard status`.
    local rc=0
    lab_daemon_await "$MIT_DAEMON_PID" "$MIT_DAEMON_DIR/daemon.log" _mit_ready "$conf" || rc=$?
    case "$rc" in
        0) _lab_log "synguard ($handoff) ready after $LAB_DAEMON_READY_MS ms, pid $MIT_DAEMON_PID" ;;
        1) _lab_die "synguard exited during start-up (log above)" ;;
        *)
            cat "$MIT_DAEMON_DIR/status.txt" >&2 2>/dev/null || true
            _lab_die "synguard not ready within 30 s (capturing on $LAB_IF, table inet synguard present, status answering)"
            ;;
    esac
}

_mit_ready() {
    _mit_srv nft list table inet synguard >"$MIT_DAEMON_DIR/nft-start.txt" 2>/dev/null &&
        _mit_srv "$MIT_ROOT/bin/synguard" status --config "$1" >"$MIT_DAEMON_DIR/status.txt" 2>&1
}

mit_daemon_stop() {
    lab_daemon_stop "$MIT_DAEMON_PID"
    MIT_DAEMON_PID=""
}

mit_table_present() {
    _mit_srv nft list table inet synguard >/dev/null 2>&1
}

_mit_scrape() {
    _mit_srv curl -s --max-time 2 "http://127.0.0.1:$MIT_METRICS_PORT/metrics" >"$1" 2>/dev/null || : >"$1"
}

# Alert events that say something failed: capture or nft errors, refused reloads, anything with
# "error" in its name or an error level. Prints them; status 1 when there is none.
mit_alert_errors() {
    local file="${1:?mit_alert_errors FILE}"
    [[ -f "$file" ]] || return 1
    grep -E '"event":"[a-z_]*(error|fail)[a-z_]*"|"ok":false|"level":"(error|ERROR)"' "$file"
}

mit_phase() {
    local tag="${1:?mit_phase TAG FLOOD RATE [CLIENT ARGS...]}" flood="${2:?}" rate="${3:?}"
    shift 3
    local dir sources cookies0 cookies1 tx0 tx1 t0 t1 sent=0 count synrecv="" audit="" span
    dir="$MIT_WORK/$tag"
    mkdir -p "$dir"
    _mit_next_sources
    sources="$MIT_SOURCES"
    if [[ "$MIT_CAPTURE" == 1 ]]; then
        # SYNs, SYN-ACKs and resets (the handoffs' RSTs tell when a client proved itself), headers
        # only (54 bytes: Ethernet, IPv4, TCP up to its flags).
        LAB_CAPTURE_SNAPLEN=54 lab_capture_start "$dir/syn.pcap" "tcp[tcpflags] & (tcp-syn|tcp-rst) != 0"
    fi
    lab_synrecv_sampler_start 80 "$dir/synrecv.txt"
    [[ -z "$MIT_DAEMON_PID" ]] || _mit_scrape "$dir/metrics-0.txt"
    cookies0="$(lab_netstat SyncookiesSent)"
    case "$flood" in
        none) ;;
        tcpreplay) lab_flood_bg_start tcpreplay "$rate" "$MIT_FLOOD_COUNT_TCPREPLAY" 80 ;;
        max) lab_flood_bg_start max 0 "$MIT_FLOOD_COUNT_MAX" 80 ;;
        *) _lab_die "mit_phase: FLOOD is none, tcpreplay or max (got $flood)" ;;
    esac
    [[ "$flood" == none ]] || sleep "$MIT_LEAD"
    # The clients' period is the one measured: rates below are over it.
    tx0="$(lab_atk_tx)"
    [[ -z "$MIT_DAEMON_PID" ]] || _mit_scrape "$dir/metrics-1.txt"
    cookies1="$(lab_netstat SyncookiesSent)"
    t0="$(date +%s.%N)"
    lab_connect_clients "$MIT_CLIENT_SECONDS" "$dir/clients.csv" --sources "$sources" "$@" >/dev/null || true
    t1="$(date +%s.%N)"
    tx1="$(lab_atk_tx)"
    local cookies2
    cookies2="$(lab_netstat SyncookiesSent)"
    [[ -z "$MIT_DAEMON_PID" ]] || _mit_scrape "$dir/metrics-2.txt"
    if [[ "$flood" != none ]]; then
        lab_flood_bg_stop >/dev/null
        sent="$LAB_FLOOD_SENT"
    fi
    lab_synrecv_sampler_stop >/dev/null
    synrecv="$LAB_SYNRECV_MAX" count="$LAB_SYNRECV_SAMPLES"
    if [[ "$MIT_CAPTURE" == 1 ]]; then
        lab_capture_stop 2>"$dir/tcpdump.txt"
        audit="$(python3 "$MIT_LIB_DIR/synack_audit.py" "$dir/syn.pcap" --server "$LAB_SRV_IP" --port 80 \
            --spoofed "$LAB_SPOOF_NET" --from "$t0" --to "$t1" 2>"$dir/orphans.txt")" || audit=""
    fi
    span="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')"
    # Per second over the clients' period: the flood as it left the attacker, the kernel's
    # cookies, and synguard's SYN-ACKs (its own counter, when it has one).
    local flood_pps cookie_pps sg_synacks="nan" sg_pps="nan" sg_verified="nan" sg_backed_pps="nan"
    flood_pps="$(awk -v a="$tx0" -v b="$tx1" -v s="$span" 'BEGIN { printf "%.0f", (b - a) / s }')"
    cookie_pps="$(awk -v a="$cookies1" -v b="$cookies2" -v s="$span" 'BEGIN { printf "%.0f", (b - a) / s }')"
    if [[ -n "$MIT_DAEMON_PID" && -s "$dir/metrics-2.txt" ]]; then
        read -r sg_synacks sg_pps < <(_mit_series_rate "$dir/metrics-1.txt" "$dir/metrics-2.txt" 'syn_?acks?_?sent' "$span")
        read -r sg_verified _ < <(_mit_series_rate "$dir/metrics-1.txt" "$dir/metrics-2.txt" 'sources_verified' "$span")
        read -r _ sg_backed_pps < <(_mit_series_rate "$dir/metrics-1.txt" "$dir/metrics-2.txt" 'backed_off' "$span")
    fi
    MIT_RESULT="tag=$tag $LAB_CLIENTS_SUMMARY synrecv_max=$synrecv synrecv_samples=$count"
    MIT_RESULT+=" flood_sent=$sent flood_pps=$flood_pps cookies_total=$((cookies2 - cookies0)) cookie_pps=$cookie_pps"
    MIT_RESULT+=" sg_synacks=$sg_synacks sg_synack_pps=$sg_pps sg_verified=$sg_verified sg_backed_off_pps=$sg_backed_pps"
    MIT_RESULT+=" span_s=$span"
    if [[ -n "$audit" ]]; then
        MIT_RESULT+=" $audit capture_dropped=$(_mit_tcpdump_dropped "$dir/tcpdump.txt")"
    fi
    printf '%s\n' "$MIT_RESULT" >"$dir/result"
}

# The sum of the synguard_ series in a scrape whose name and labels match the awk regex PATTERN
# ("nan" when none does). The responder's counters are labels of one metric, e.g.
# synguard_mitigation_responder_total{counter="synacks_sent"}: PATTERN sees both parts.
mit_series() {
    awk -v p="${2:?mit_series FILE PATTERN}" '!/^#/ && $1 ~ /^synguard_/ && $1 ~ p { s += $2; found = 1 }
        END { if (found) printf "%.0f\n", s; else print "nan" }' "${1:?}"
}

# The change of a series between two scrapes over SPAN seconds: "DELTA PER_SECOND" or "nan nan".
_mit_series_rate() {
    local a b
    a="$(mit_series "$1" "$3")"
    b="$(mit_series "$2" "$3")"
    if [[ "$a" =~ ^[0-9]+$ && "$b" =~ ^[0-9]+$ ]]; then
        awk -v a="$a" -v b="$b" -v s="$4" 'BEGIN { printf "%d %.0f\n", b - a, (b - a) / s }'
    else
        echo "nan nan"
    fi
}

# tcpdump's "N packets dropped by kernel" from its stderr (lab_capture_stop's copy).
_mit_tcpdump_dropped() {
    awk '/dropped by kernel/ { print $2 + 0; found = 1 } END { if (!found) print "nan" }' "$1" | head -n1
}
