# shellcheck shell=bash
# Fault injection around the real daemon in the namespace lab, for tests/e2e/80-faults-*.sh.
# Source it after tests/lib/common.sh, tests/lab/lab.sh and tests/lab/mitigation.sh; do not run it.
#
#   flt_daemon_start TAG [KEY=VALUE...]
#                      synguard run in the server ns as the unit starts it (mitigation.sh's
#                      mit_daemon_start, with knobs): ALERTS=path of the alert log (default in the
#                      phase's dir), NFT='[ "nft" ]' (mitigation.nft-command), TABLE=1|0 (wait for
#                      `table inet synguard`, default 1). The same TAG again restarts on the same
#                      state-dir (cookie keys) and config; the previous daemon.log is kept as
#                      daemon.log.N. Sets MIT_DAEMON_PID, MIT_DAEMON_DIR, FLT_CONF, FLT_READY_MS.
#   flt_status_field KEY   a field of the status endpoint's JSON (`synguard status --json`; jq
#                      path, e.g. .alert_log_dropped)
#   flt_scrape FILE        the metrics endpoint into FILE
#   flt_wait SECONDS CMD...  runs CMD every 100 ms until it succeeds; prints the ms it took
#                      (status 1 and "timeout" after SECONDS)
#   flt_clients TAG SECONDS  mitigation.sh's clients (4 workers, a new source per request, 3 s per
#                      attempt, one reconnect) for SECONDS; FLT_SUMMARY holds their key=value line
#   flt_verified_count     elements in the verified4 set now (0 when the table is missing)

if [[ -n "${SYNGUARD_FAULTS_SH:-}" ]]; then
    return 0
fi
SYNGUARD_FAULTS_SH=1

flt_daemon_start() {
    local tag="${1:?flt_daemon_start TAG [KEY=VALUE...]}" alerts="" nft='[ "nft" ]' table=1 kv n t0
    t0="$(date +%s%N)"
    shift
    for kv in "$@"; do
        case "$kv" in
            ALERTS=*) alerts="${kv#ALERTS=}" ;;
            NFT=*) nft="${kv#NFT=}" ;;
            TABLE=*) table="${kv#TABLE=}" ;;
            *) _lab_die "flt_daemon_start: unknown knob $kv" ;;
        esac
    done
    MIT_DAEMON_DIR="$MIT_WORK/$tag/daemon"
    mkdir -p "$MIT_DAEMON_DIR/state"
    alerts="${alerts:-$MIT_DAEMON_DIR/alerts.log}"
    FLT_CONF="$MIT_DAEMON_DIR/synguard.conf"
    cat >"$FLT_CONF" <<EOF
synguard {
  interfaces = [ "$LAB_IF" ]
  protect = [ { address = "$LAB_SRV_IP", ports = [ 80 ] } ]
  mitigation { mode = "always", handoff = "retry", verified-timeout = 10m, nft-command = $nft }
  alerts { file = "$alerts" }
  metrics { listen = "127.0.0.1:$MIT_METRICS_PORT" }
  state-dir = "$MIT_DAEMON_DIR/state"
}
EOF
    cp "$FLT_CONF" "$FLT_CONF.good"
    n=0
    while [[ -e "$MIT_DAEMON_DIR/daemon.log.$n" ]]; do n=$((n + 1)); done
    [[ ! -e "$MIT_DAEMON_DIR/daemon.log" ]] || mv "$MIT_DAEMON_DIR/daemon.log" "$MIT_DAEMON_DIR/daemon.log.$n"
    lab_daemon_launch "$FLT_CONF" "$MIT_DAEMON_DIR"
    MIT_DAEMON_PID="$LAB_DAEMON_PID"
    local rc=0
    lab_daemon_await "$MIT_DAEMON_PID" "$MIT_DAEMON_DIR/daemon.log" _flt_ready "$table" || rc=$?
    case "$rc" in
        0)
            FLT_READY_MS=$((($(date +%s%N) - t0) / 1000000))
            _lab_log "synguard $tag ready after $FLT_READY_MS ms, pid $MIT_DAEMON_PID"
            ;;
        1) _lab_die "synguard exited during start-up (log above)" ;;
        *) _lab_die "synguard $tag not ready within 30 s" ;;
    esac
}

# Ready beyond capturing: its table exists (unless TABLE=0) and its status endpoint answers.
_flt_ready() {
    { [[ "$1" == 0 ]] || mit_table_present; } &&
        _mit_srv curl -sf --max-time 1 "http://127.0.0.1:$MIT_METRICS_PORT/status" >/dev/null 2>&1
}

flt_status_field() {
    # The endpoint `synguard status --json` reads, without a JVM start per question.
    _mit_srv curl -s --max-time 2 "http://127.0.0.1:$MIT_METRICS_PORT/status" 2>/dev/null | jq -r "${1:?}" 2>/dev/null ||
        echo nan
}

flt_scrape() {
    _mit_scrape "${1:?flt_scrape FILE}"
}

flt_wait() {
    local secs="${1:?flt_wait SECONDS CMD...}" t0 now
    shift
    t0="$(date +%s%N)"
    while true; do
        if "$@" >/dev/null 2>&1; then
            now="$(date +%s%N)"
            echo "$(((now - t0) / 1000000))"
            return 0
        fi
        now="$(date +%s%N)"
        if (((now - t0) / 1000000 > secs * 1000)); then
            echo timeout
            return 1
        fi
        sleep 0.1
    done
}

flt_clients() {
    local tag="${1:?flt_clients TAG SECONDS}" secs="${2:?}" dir sources
    dir="$MIT_WORK/$tag"
    mkdir -p "$dir"
    _mit_next_sources
    sources="$MIT_SOURCES"
    lab_connect_clients "$secs" "$dir/clients.csv" --sources "$sources" --reconnect --rate 50 --timeout 3 \
        >/dev/null || true
    # shellcheck disable=SC2034 # read by the scripts that source this file
    FLT_SUMMARY="$LAB_CLIENTS_SUMMARY"
}

flt_verified_count() {
    _mit_srv nft -j list set inet synguard verified4 2>/dev/null |
        jq '[.nftables[] | select(.set) | .set.elem // [] | length] | add // 0' 2>/dev/null || echo 0
}
