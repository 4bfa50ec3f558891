#!/usr/bin/env bash
# The daemon, live, in the namespace lab (tests/lab/lab.sh): `synguard run` started as the shipped
# unit starts it (its ExecStart and its SYNGUARD_JAVA_OPTS, with the paths moved into a temp dir),
# capturing on the server's bridge, with nginx as the server, real HTTP clients and spoofed floods
# from 198.19.0.0/16.
#
#   1. legit only: clients at 250 req/s for 6 s: >= 99% succeed and no attack event;
#   2. floods at 10x the SYN-rate threshold (3 runs) and at 2x (3 runs): attack_started for
#      198.18.0.1 port 80 within 2 s of the first flood SYN on the wire, attack_ended within the
#      quiet time (+ a 0.2 s tick margin) after the last; one start and one end per flood. Prints the
#      detection latency (packet time of the alert and wall time the line appeared, both from
#      the first flood SYN's capture timestamp) and the medians;
#   3. metrics and status during an attack show it;
#   4. reload: a higher threshold takes effect (the next flood raises nothing); a broken file is
#      refused with config_reloaded ok=false and the daemon keeps running and answering;
#   5. faults: the capture interface set down and up, and a second interface deleted and re-added:
#      capture_error "retrying", then "reopened", and the daemon goes on;
#   6. a missing interface at start: exit 78 and a message naming it.
#
# Bounded (re-runs itself under `timeout 300`); traps remove the namespaces and stop every process.
set -euo pipefail

if [[ -z "${SG_DAEMON_LIVE_BOUNDED:-}" ]]; then
    export SG_DAEMON_LIVE_BOUNDED=1
    exec timeout -k 10 300 bash "$0" "$@"
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source=SCRIPTDIR/../lib/common.sh
source "$here/../lib/common.sh"
root="$(repo_root)"
# shellcheck source=SCRIPTDIR/../lab/lab.sh
source "$root/tests/lab/lab.sh"

[[ "$(id -u)" -eq 0 ]] || die "needs root (network namespaces)"
ensure_packages iproute2 nftables nginx netsniff-ng tcpreplay tcpdump python3 curl libpcap0.8
find_jdk25
[[ -f "$root/target/synguard.jar" ]] || die "no target/synguard.jar (tests/run-all builds it)"

readonly THRESHOLD=2000 QUIET_S=3 WINDOW_S=1
work="$(mktemp -d)"
mkdir -m 0700 "$work/state" # the unit gets it from StateDirectory=; the cookie keys live there
trap 'cp "$work/daemon.log" /tmp/sg-daemon-last.log 2>/dev/null; cp "$work/alerts.log" /tmp/sg-alerts-last.log 2>/dev/null; rm -rf "$work"' EXIT
lab_trap

events() { # events NAME: how many events NAME the alert log holds now
    grep -c "\"event\":\"$1\"" "$work/alerts.log" 2>/dev/null || true
}
wait_for() { # wait_for SECONDS COMMAND...: poll every 50 ms until COMMAND succeeds
    local deadline=$(($(date +%s%N) + $1 * 1000000000))
    shift
    until "$@"; do
        (($(date +%s%N) < deadline)) || return 1
        sleep 0.05
    done
}
more_events() { [[ "$(events "$1")" -gt "$2" ]]; }
srv() { lab_ns_exec "$LAB_SRV" "$@"; }

lab_up
lab_server_sysctls 1
lab_start_http 80
# A second capture interface, to take away and give back: a veth pair inside the server namespace
# (no traffic, just a device; this kernel has no dummy driver).
add_sgd0() {
    srv ip link add sgd0 type veth peer name sgd1
    srv ip link set sgd0 up
    srv ip link set sgd1 up
}
add_sgd0

write_conf() { # write_conf FILE SYN_RATE
    cat >"$1" <<EOF
synguard {
  interfaces = [ "$LAB_IF", "sgd0" ]
  protect = [ { address = "$LAB_SRV_IP", ports = [ 80 ] } ]
  alerts.file = "$work/alerts.log"
  metrics.listen = "127.0.0.1:9477"
  state-dir = "$work/state"
  detect {
    destination.syn-rate = $2
    window = ${WINDOW_S}s
    quiet-time = ${QUIET_S}s
    update-interval = 2s
  }
}
EOF
}
conf="$work/synguard.conf"
write_conf "$conf" "$THRESHOLD"
default_log_existed=no
[[ ! -e /var/log/synguard/alerts.log ]] || default_log_existed=yes

# The unit's command line and JVM options, with its /etc and /var paths moved into $work.
lab_unit_command "$conf" "$work"
exec_args="$LAB_UNIT_ARGS" java_opts="$LAB_UNIT_JAVA_OPTS"
log "daemon: synguard $exec_args (SYNGUARD_JAVA_OPTS=$java_opts)"
# shellcheck disable=SC2086 # the unit's argument words
# Not through srv(): a function in the background is a subshell, and $! must be the daemon's own
# pid (ip netns exec, env and the launcher all exec into the JVM) for the signals below.
ip netns exec "$LAB_SRV" env SYNGUARD_JAVA_OPTS="$java_opts" "$root/bin/synguard" $exec_args >"$work/daemon.log" 2>&1 &
daemon=$!
lab_register_pid "$daemon"
# status finds the daemon's address in a config file: a copy that the broken-reload step leaves alone.
cp "$conf" "$work/status.conf"
status_ok() { srv "$root/bin/synguard" status --config "$work/status.conf" >"$work/status.txt" 2>&1; }
check "daemon answers status within 20 s" wait_for 20 status_ok
check "daemon captures on $LAB_IF and sgd0" wait_for 5 grep -q "capturing on sgd0" "$work/daemon.log"
grep -q "capturing on $LAB_IF" "$work/daemon.log" || { cat "$work/daemon.log"; die "no capture on $LAB_IF"; }

# --- 1. legit only
lab_clients 250 6 "$work/legit.csv" >/dev/null
legit="$LAB_CLIENTS_SUMMARY"
sleep 1
check "legit only: >= 99% of $(kv "$legit" requests) requests succeed ($(kv "$legit" success_pct)%)" ge "$(kv "$legit" success_pct)" 99
check "legit only: >= 200 req/s offered ($(kv "$legit" offered_rps))" ge "$(kv "$legit" offered_rps)" 200
check "legit only: no attack event" eq "$(events attack_started)" 0

# --- 2. floods at 10x and 2x the threshold
# One flood: capture its SYNs, note when the attack_started line appears (wall clock), then
# compute from the alert log and the capture. Appends "latency_s line_latency_s end_after_s".
flood_run() { # flood_run PPS COUNT TAG
    local pps="$1" count="$2" tag="$3" started0 ended0 poller first last
    started0="$(events attack_started)"
    ended0="$(events attack_ended)"
    lab_capture_start "$work/$tag.pcap" "tcp and src net $LAB_SPOOF_NET"
    (
        until more_events attack_started "$started0"; do sleep 0.005; done
        date +%s.%N >"$work/$tag.seen"
    ) &
    poller=$!
    lab_register_pid "$poller"
    lab_flood "$pps" "$count" 80
    if [[ "$tag" == "x10-1" ]]; then
        # The attack is still open (quiet time not over): metrics and status must show it. They
        # read what the capture thread published, once a second: wait for the next publication.
        sleep 1.2
        srv curl -s http://127.0.0.1:9477/metrics >"$work/metrics.txt" || true
        srv "$root/bin/synguard" status --config "$work/status.conf" >"$work/status-attack.txt" 2>&1 || true
    fi
    lab_capture_stop
    wait_for $((QUIET_S + WINDOW_S + 4)) more_events attack_ended "$ended0" || true
    kill "$poller" 2>/dev/null || true
    read -r _ first last _ < <(lab_pcap_stats "$work/$tag.pcap" "tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn")
    python3 - "$work/alerts.log" "$started0" "$ended0" "$first" "$last" "$work/$tag.seen" "$tag" >>"$work/latencies" <<'PY'
import json, sys, datetime, os
log, s0, e0, first, last, seen, tag = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), sys.argv[6], sys.argv[7]
ev = [json.loads(l) for l in open(log)]
st = [e for e in ev if e["event"] == "attack_started"][s0:]
en = [e for e in ev if e["event"] == "attack_ended"][e0:]
ts = lambda e: datetime.datetime.fromisoformat(e["ts"].replace("Z", "+00:00")).timestamp()
if len(st) != 1 or len(en) != 1:
    print(tag, "starts=%d,ends=%d" % (len(st), len(en)), "nan nan nan", st[0]["target"] if st else "-",
          json.dumps(st[0]["ports"], separators=(",", ":")) if st else "-")
    sys.exit()
line = float(open(seen).read()) - first if os.path.exists(seen) else float("nan")
print(tag, "starts=1,ends=1", "%.3f %.3f %.3f" % (ts(st[0]) - first, line, ts(en[0]) - last), st[0]["target"],
      json.dumps(st[0]["ports"], separators=(",", ":")))
PY
}
lab_flood_prepare 40000 80
lab_flood_prepare 12000 80
for i in 1 2 3; do flood_run $((THRESHOLD * 10)) 40000 "x10-$i"; done
for i in 1 2 3; do flood_run $((THRESHOLD * 2)) 12000 "x2-$i"; done
cat "$work/latencies"
while read -r tag counts lat line end target ports; do
    check "$tag: one attack_started and one attack_ended ($counts)" eq "$counts" "starts=1,ends=1"
    check "$tag: target $LAB_SRV_IP port 80 ($target $ports)" eq "$target $ports" "$LAB_SRV_IP [80]"
    check "$tag: attack_started within 2 s of the first flood SYN (${lat}s, line after ${line}s)" le "$lat" 2
    check "$tag: attack_ended within the quiet time ($QUIET_S s) + one tick of the last flood SYN (${end}s)" \
        le "$end" "$QUIET_S.2"
done <"$work/latencies"
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
x10_med="$(awk '$1 ~ /^x10/ { print $3 }' "$work/latencies" | median)"
x2_med="$(awk '$1 ~ /^x2-/ { print $3 }' "$work/latencies" | median)"
x10_line="$(awk '$1 ~ /^x10/ { print $4 }' "$work/latencies" | median)"
x2_line="$(awk '$1 ~ /^x2-/ { print $4 }' "$work/latencies" | median)"

# --- 3. metrics and status during an attack
check "metrics: synguard_attacks_active 1 on $LAB_IF" grep -q "^synguard_attacks_active{interface=\"$LAB_IF\"} 1.0" "$work/metrics.txt"
syns_metric="$(awk -v i="$LAB_IF" '$1 == "synguard_syns_total{interface=\"" i "\"}" { print int($2) }' "$work/metrics.txt")"
check "metrics: synguard_syns_total counts the whole flood (${syns_metric:-none} >= 40000)" ge "${syns_metric:-0}" 40000
check "metrics: kernel counters beside them" grep -q "^synguard_kernel_syncookies_sent_total" "$work/metrics.txt"
check "status: shows the attack on $LAB_SRV_IP" grep -q "$LAB_SRV_IP .*SYN/s" "$work/status-attack.txt" ||
    sed 's/^/    status: /' "$work/status-attack.txt"
check "status: half-open counts by state" grep -q "half-open .*SYN seen .*SYN-ACK seen" "$work/status-attack.txt"
check "attack events carry the kernel's view" grep -q '"kernel":{"syn_recv"' "$work/alerts.log"

# --- 4. reload
if ! kill -0 "$daemon" 2>/dev/null; then
    tail -40 "$work/daemon.log"
    die "the daemon died during the floods"
fi
reloads0="$(events config_reloaded)"
write_conf "$conf" 1000000
kill -HUP "$daemon"
check "reload: config_reloaded" wait_for 5 more_events config_reloaded "$reloads0"
check "reload: ok" grep -q '"event":"config_reloaded".*"ok":true' "$work/alerts.log"
sleep 1.5 # applied by the capture threads within a second
started0="$(events attack_started)"
lab_flood $((THRESHOLD * 10)) 40000 80
sleep 1
check "reload: the raised threshold holds: no attack for a flood at the old 10x" eq "$(events attack_started)" "$started0"
printf 'synguard { detect.destination.syn-rate = -5 }\n' >>"$conf"
reloads0="$(events config_reloaded)"
kill -HUP "$daemon"
check "broken reload: config_reloaded" wait_for 5 more_events config_reloaded "$reloads0"
check "broken reload: ok=false, naming the key" grep -q '"ok":false,"error":".*synguard.detect.destination.syn-rate = -5' "$work/alerts.log"
check "broken reload: the daemon keeps running" kill -0 "$daemon"
check "broken reload: and answering" status_ok
write_conf "$conf" "$THRESHOLD"
kill -HUP "$daemon"

# --- 5. faults
errors0="$(events capture_error)"
srv ip link set "$LAB_IF" down
check "interface down: capture_error interface_down" wait_for 5 grep -q "\"capture_error\",\"interface\":\"$LAB_IF\",\"action\":\"interface_down\"" "$work/alerts.log"
srv ip link set "$LAB_IF" up
check "interface up: capture_error interface_up" wait_for 5 grep -q "\"capture_error\",\"interface\":\"$LAB_IF\",\"action\":\"interface_up\"" "$work/alerts.log"
srv ip link del sgd0
check "interface deleted: capture_error retrying" wait_for 5 grep -q '"capture_error","interface":"sgd0","action":"retrying"' "$work/alerts.log"
add_sgd0
check "interface re-added: capture_error reopened" wait_for 5 grep -q '"capture_error","interface":"sgd0","action":"reopened"' "$work/alerts.log"
check "faults: the daemon is still running" kill -0 "$daemon"
lab_http_get "$LAB_SRV_IP" 80 >/dev/null
started0="$(events attack_started)"
lab_flood $((THRESHOLD * 10)) 40000 80
check "faults: detection works after the reopen" wait_for 3 more_events attack_started "$started0"
echo "capture errors: $(($(events capture_error) - errors0)) events"

# --- 6. missing interface at start
sed 's/"sgd0"/"sgnope9"/' "$conf" >"$work/missing.conf"
rc=0
srv "$root/bin/synguard" run --config "$work/missing.conf" >"$work/missing.out" 2>&1 || rc=$?
check "missing interface at start: exit 78 ($rc)" eq "$rc" 78
check "... naming it" grep -q "interface sgnope9 not found" "$work/missing.out"

lab_stop_pid "$daemon"
check "SIGTERM: a clean stop" grep -q "stopping" "$work/daemon.log"
if [[ "$default_log_existed" == no ]]; then
    check "the daemon wrote only where its config said (nothing in /var/log/synguard)" test ! -e /var/log/synguard/alerts.log
fi

echo
echo "figures (threshold $THRESHOLD SYN/s; alert packet time and line-on-disk time, from the first flood SYN on the wire):"
printf '  10x (%d pps): median %s s (alert ts), %s s (line seen); runs: %s\n' $((THRESHOLD * 10)) "$x10_med" "$x10_line" \
    "$(awk '$1 ~ /^x10/ { printf "%s/%s ", $3, $4 }' "$work/latencies")"
printf '  2x  (%d pps): median %s s (alert ts), %s s (line seen); runs: %s\n' $((THRESHOLD * 2)) "$x2_med" "$x2_line" \
    "$(awk '$1 ~ /^x2-/ { printf "%s/%s ", $3, $4 }' "$work/latencies")"
printf '  attack_ended after the last flood SYN: %s\n' "$(awk '{ printf "%s ", $5 }' "$work/latencies")"
printf '  legit only: %s req/s, %s%% ok, connect p50 %s ms p99 %s ms\n' "$(kv "$legit" offered_rps)" \
    "$(kv "$legit" success_pct)" "$(kv "$legit" connect_p50_ms)" "$(kv "$legit" connect_p99_ms)"

if [[ $failures -gt 0 ]]; then
    echo "--- daemon log (tail)"
    tail -20 "$work/daemon.log"
    die "$failures check(s) failed"
fi
log "all checks passed"
