#!/usr/bin/env bash
# Faults around a running daemon under a spoofed SYN flood (tcpreplay, 20,000/s from
# 198.19.0.0/16) in the namespace lab: the real daemon (mode always, handoff retry) as the unit
# starts it, its alert log on a 1 MiB tmpfs. Clients: tests/lab/connect_clients.py (4 workers, a
# new source address per request, 3 s per attempt, one reconnect), 2-3 s after each fault.
#
#   1. SIGHUP with a broken file: refused with file, line, key and reason (journal and a
#      config_reloaded ok=false event), reload_failures 1, the table stays, clients >= 95%.
#   2. `nft delete table inet synguard` by hand: the daemon notices (its once-a-second check through
#      its nft -i child), re-creates the table with its active service and verified sources, says
#      mitigation_restored, counts table_restored; clients >= 95% afterwards.
#   3. The alert log's disk full: events that cannot be written are counted (alert_log_dropped in
#      status and metrics) and the journal says so; SYN cookies are still answered and clients
#      >= 95%; after space is freed events reach the file again and the journal says so.
#   4. The capture interface (br0, the bridge the server's address is on) deleted and re-created
#      during the attack: capture_error retrying, then reopened; afterwards synguard answers SYNs
#      again and clients >= 95%.
#
# Bounded (re-runs itself under `timeout 150`); the lab's traps remove the namespaces and stop
# every process, and this script's trap unmounts the tmpfs. The jar: SYNGUARD_JAR, else
# target/synguard.jar.
set -euo pipefail

if [[ -z "${SG_FAULTS_RUNTIME_BOUNDED:-}" ]]; then
    export SG_FAULTS_RUNTIME_BOUNDED=1
    exec timeout -k 10 150 bash "$0" "$@"
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source=SCRIPTDIR/../lib/common.sh
source "$here/../lib/common.sh"
root="$(repo_root)"
# shellcheck source=SCRIPTDIR/../lab/lab.sh
source "$root/tests/lab/lab.sh"
# shellcheck source=SCRIPTDIR/../lab/mitigation.sh
source "$root/tests/lab/mitigation.sh"
# shellcheck source=SCRIPTDIR/../lab/faults.sh
source "$root/tests/lab/faults.sh"

[[ "$(id -u)" -eq 0 ]] || die "needs root (network namespaces, tmpfs)"
ensure_packages iproute2 nftables nginx tcpreplay python3 curl jq libpcap0.8
find_jdk25
export SYNGUARD_JAR="${SYNGUARD_JAR:-$root/target/synguard.jar}"
[[ -f "$SYNGUARD_JAR" ]] || die "no $SYNGUARD_JAR (tests/run-all builds it; or set SYNGUARD_JAR)"

work="$(mktemp -d /tmp/sg-faults-runtime.XXXXXX)"
alertfs="$work/alertfs"
mkdir -p "$alertfs"
mount -t tmpfs -o size=1m,mode=0755 sg-faults-alerts "$alertfs" || die "cannot mount a tmpfs on $alertfs"
keep_last() {
    umount "$alertfs" 2>/dev/null || umount -l "$alertfs" 2>/dev/null || true
    rm -rf /tmp/sg-faults-runtime-last
    mv "$work" /tmp/sg-faults-runtime-last 2>/dev/null || rm -rf "$work"
}
trap keep_last EXIT
lab_trap
mit_lab_up "$work"
lab_flood_prepare 200000 80

pct() { kv "$1" success_pct; }
figures=()
fig() { figures+=("$1=$2"); }
no_table() { ! mit_table_present; }
alive() { _lab_alive "$MIT_DAEMON_PID"; }
events() { grep -c "\"event\":\"$1\"" "$ALERTS" 2>/dev/null || true; }
journal() { grep -q "$1" "$MIT_DAEMON_DIR/daemon.log"; }
synacks() { flt_scrape "$work/m.txt" && mit_series "$work/m.txt" 'synacks_sent'; }
clients_ok() { # clients_ok TAG SECONDS WHAT: run them, record and check >= 95%
    flt_clients "$1" "$2"
    fig "${1}_success_pct" "$(pct "$FLT_SUMMARY")"
    fig "${1}_requests" "$(kv "$FLT_SUMMARY" requests)"
    check "$3: >= 95% of $(kv "$FLT_SUMMARY" requests) clients succeed ($(pct "$FLT_SUMMARY")%)" \
        ge "$(pct "$FLT_SUMMARY")" 95
}

ALERTS="$alertfs/alerts.log"
mit_server_reset 0
flt_daemon_start runtime ALERTS="$ALERTS"
lab_flood_bg_start tcpreplay 20000 2400000 80
sleep 1
clients_ok baseline 2 "baseline under the flood"

# ---------------------------------------------------------------- 1. broken reload
sed 's/verified-timeout = 10m/verified-timeout = banana/' "$FLT_CONF.good" >"$FLT_CONF"
kill -HUP "$MIT_DAEMON_PID"
refused_ms="$(flt_wait 5 grep -q '"event":"config_reloaded".*"ok":false' "$ALERTS")" || true
cp "$FLT_CONF.good" "$FLT_CONF"
line="$(grep -m1 '"ok":false' "$ALERTS" || true)"
fig reload_refused_ms "$refused_ms"
fig reload_failures "$(flt_status_field .reload_failures)"
log "refused reload: $line"
error="$(jq -r .error <<<"$line" 2>/dev/null || true)"
names_all() { [[ "$error" == "$FLT_CONF:"[0-9]*": synguard.mitigation.verified-timeout = \"banana\": expected "* ]]; }
check "broken reload: config_reloaded ok=false names the file and line, the key, the value and what was expected" names_all
check "broken reload: the journal says it was refused and the old config stays" journal "reload refused, keeping the configuration in force"
check "broken reload: status counts it (reload_failures $(flt_status_field .reload_failures))" eq "$(flt_status_field .reload_failures)" 1
check "broken reload: the table stays" mit_table_present
clients_ok reload 2 "after the refused reload"

# ---------------------------------------------------------------- 2. the table deleted by hand
verified_before="$(flt_verified_count)"
_mit_srv nft delete table inet synguard
restore_ms="$(flt_wait 10 mit_table_present)" || true
sleep 0.3
verified_after="$(flt_verified_count)"
fig table_restore_ms "$restore_ms"
fig verified_before_delete "$verified_before"
fig verified_after_restore "$verified_after"
fig table_absent_ms_at_most "$(grep -m1 '"event":"mitigation_restored"' "$ALERTS" | jq -r .absent_ms_at_most 2>/dev/null || echo nan)"
fig table_restored_counter "$(flt_status_field .mitigation.responder.table_restored)"
check "deleted table: re-created while the daemon runs (after $restore_ms ms)" eq "${restore_ms//[0-9]/}" ""
check "deleted table: its verified sources came back ($verified_before before, $verified_after after)" \
    ge "$verified_after" "$verified_before"
check "deleted table: the active service came back" \
    bash -c "ip netns exec '$LAB_SRV' nft list set inet synguard active4 | grep -q '$LAB_SRV_IP . 80'"
check "deleted table: mitigation_restored in the alert log" grep -q '"event":"mitigation_restored"' "$ALERTS"
check "deleted table: table_restored counts 1 ($(flt_status_field .mitigation.responder.table_restored))" \
    eq "$(flt_status_field .mitigation.responder.table_restored)" 1
check "deleted table: status says enforcing" eq "$(flt_status_field .mitigation.enforcing)" true
clients_ok restored 2 "after the table's restore"

# ---------------------------------------------------------------- 3. the alert log's disk full
dropped0="$(flt_status_field .alert_log_dropped)"
dd if=/dev/zero of="$alertfs/fill" bs=4k 2>/dev/null || true
fig alertfs_free_kb "$(df -k --output=avail "$alertfs" | tail -1 | tr -d ' ')"
sa0="$(synacks)"
# Events to write: reloads (each one a config_reloaded line), enough to fill the log's last page.
for ((i = 0; i < 40; i++)); do
    kill -HUP "$MIT_DAEMON_PID"
    sleep 0.05
done
clients_ok diskfull 2 "alert log's disk full"
sa1="$(synacks)"
dropped1="$(flt_status_field .alert_log_dropped)"
fig diskfull_alerts_dropped "$((dropped1 - dropped0))"
fig diskfull_synacks_sent "$((sa1 - sa0))"
fig diskfull_metric_alert_log_dropped "$(mit_series "$work/m.txt" 'alert_log_dropped')"
check "disk full: alert_log_dropped counts the lost events (+$((dropped1 - dropped0)))" ge "$((dropped1 - dropped0))" 1
check "disk full: the journal says alert events are not written" journal "alert events not written so far"
check "disk full: SYN cookies still answered ($((sa1 - sa0)) SYN-ACKs meanwhile)" ge "$((sa1 - sa0))" 1000
check "disk full: the daemon lives" alive
rm -f "$alertfs/fill"
# logback reopens a failed file with a growing pause (x4 from 20 ms): the next lines may wait.
reloaded0="$(events config_reloaded)"
written() { kill -HUP "$MIT_DAEMON_PID"; sleep 0.2; (($(events config_reloaded) > reloaded0)); }
written_ms="$(flt_wait 40 written)" || true
fig alert_log_recovered_ms "$written_ms"
check "space freed: alert events reach the file again (after $written_ms ms)" eq "${written_ms//[0-9]/}" ""
check "space freed: the journal says the alert log is written again" journal "is written again"

# ---------------------------------------------------------------- 4. the capture interface re-created
recreate_br0() {
    local s="$LAB_SRV" port
    ip -n "$s" link add br0 address "$LAB_SRV_MAC" type bridge stp_state 0 forward_delay 0 mcast_snooping 0
    for port in vatk vcli; do ip -n "$s" link set "$port" master br0; done
    ip -n "$s" link set br0 up
    bridge -n "$s" fdb replace "$LAB_ATK_MAC" dev vatk master static
    bridge -n "$s" fdb replace "$LAB_CLI_MAC" dev vcli master static
    ip -n "$s" addr add "$LAB_SRV_IP/24" dev br0
    ip -n "$s" addr add "$LAB_SRV_IP6/64" dev br0 nodad
    ip -n "$s" neigh replace "$LAB_ATK_IP" lladdr "$LAB_ATK_MAC" dev br0 nud permanent
    ip -n "$s" neigh replace "$LAB_CLI_IP" lladdr "$LAB_CLI_MAC" dev br0 nud permanent
    ip -n "$s" route replace "$LAB_SPOOF_NET" via "$LAB_ATK_IP" dev br0
    lab_client_sources "$MIT_SOURCE_POOL"
}
retry0="$(events capture_error)"
ip -n "$LAB_SRV" link del br0
retrying_ms="$(flt_wait 10 grep -q '"event":"capture_error".*"action":"retrying"' "$ALERTS")" || true
sleep 1
recreate_br0
reopened_ms="$(flt_wait 10 grep -q '"event":"capture_error".*"action":"reopened"' "$ALERTS")" || true
fig capture_retrying_ms "$retrying_ms"
fig capture_reopened_ms_after_recreate "$reopened_ms"
check "interface deleted: capture_error retrying (after $retrying_ms ms)" eq "${retrying_ms//[0-9]/}" ""
check "interface re-created: capture_error reopened (after $reopened_ms ms)" eq "${reopened_ms//[0-9]/}" ""
sleep 1
sa0="$(synacks)"
clients_ok reopened 3 "after the interface came back"
sa1="$(synacks)"
fig reopened_synacks_sent "$((sa1 - sa0))"
check "after the interface came back: synguard answers SYNs again ($((sa1 - sa0)) SYN-ACKs)" ge "$((sa1 - sa0))" 1000
check "after the interface came back: the attack is seen (capturing $(flt_status_field '.interfaces[0].capturing'))" \
    eq "$(flt_status_field '.interfaces[0].capturing')" true
fig capture_error_events "$(($(events capture_error) - retry0))"

check "the daemon lived through every fault" alive
mit_daemon_stop
check "its table is gone after SIGTERM" no_table
lab_flood_bg_stop >/dev/null

echo
echo "faults (runtime): flood 20,000 SYN/s; clients 4 workers, new source per request"
for f in "${figures[@]}"; do echo "$f"; done
if [[ $failures -gt 0 ]]; then
    die "$failures check(s) failed (logs: /tmp/sg-faults-runtime-last)"
fi
log "all checks passed"
