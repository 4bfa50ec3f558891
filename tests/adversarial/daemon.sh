# shellcheck shell=bash
# The daemon for the adversarial lab tests (tests/e2e/86-evasion-live.sh, 87-table-exhaustion.sh),
# started as the unit starts it (lab_unit_command) with a config the test writes itself:
# mitigation.sh's mit_daemon_start writes its own (IPv4 only, default tables). Source after
# tests/lab/lab.sh and tests/lab/mitigation.sh.
#
#   adv_daemon_start DIR    DIR/synguard.conf must exist; logs in DIR; waits until it captures on
#                           LAB_IF and its nftables table exists; sets MIT_DAEMON_PID and
#                           MIT_DAEMON_DIR (so mit_daemon_stop stops it)
#   adv_vmhwm PID           the process's peak resident set (VmHWM) in kB

adv_daemon_start() {
    local dir="${1:?adv_daemon_start DIR}"
    [[ -f "$dir/synguard.conf" ]] || _lab_die "adv_daemon_start: no $dir/synguard.conf"
    # shellcheck disable=SC2034 # read by mitigation.sh and the callers
    MIT_DAEMON_DIR="$dir"
    lab_daemon_launch "$dir/synguard.conf" "$dir"
    MIT_DAEMON_PID="$LAB_DAEMON_PID"
    lab_daemon_await "$MIT_DAEMON_PID" "$dir/daemon.log" mit_table_present ||
        _lab_die "synguard did not start (capturing on $LAB_IF, table inet synguard)"
    _lab_log "synguard ready after $LAB_DAEMON_READY_MS ms, pid $MIT_DAEMON_PID"
}

adv_vmhwm() {
    awk '$1 == "VmHWM:" { print $2 }' "/proc/${1:?adv_vmhwm PID}/status"
}
