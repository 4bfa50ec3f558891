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
    local dir="${1:?adv_daemon_start DIR}" root i
    root="$(cd "$LAB_LIB_DIR/../.." && pwd -P)"
    [[ -f "$dir/synguard.conf" ]] || _lab_die "adv_daemon_start: no $dir/synguard.conf"
    # shellcheck disable=SC2034 # read by mitigation.sh and the callers
    MIT_DAEMON_DIR="$dir"
    lab_unit_command "$dir/synguard.conf" "$dir"
    # Not through a function: $! must be the JVM's pid (ip netns exec, env and the launcher exec).
    # shellcheck disable=SC2086 # the unit's argument words
    ip netns exec "$LAB_SRV" env SYNGUARD_JAVA_OPTS="$LAB_UNIT_JAVA_OPTS" "$root/bin/synguard" $LAB_UNIT_ARGS \
        >"$dir/daemon.log" 2>&1 </dev/null &
    MIT_DAEMON_PID=$!
    lab_register_pid "$MIT_DAEMON_PID"
    for ((i = 0; i < 300; i++)); do
        if grep -q "capturing on $LAB_IF" "$dir/daemon.log" && mit_table_present; then
            _lab_log "synguard ready after $((i / 10)).$((i % 10)) s, pid $MIT_DAEMON_PID"
            return 0
        fi
        _lab_alive "$MIT_DAEMON_PID" || break
        sleep 0.1
    done
    tail -n 30 "$dir/daemon.log" >&2
    _lab_die "synguard did not start (capturing on $LAB_IF, table inet synguard)"
}

adv_vmhwm() {
    awk '$1 == "VmHWM:" { print $2 }' "/proc/${1:?adv_vmhwm PID}/status"
}
