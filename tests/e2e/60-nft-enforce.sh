#!/usr/bin/env bash
# The nftables enforcement layer (net.synguard.mitigate.NftController) against real traffic in the
# namespace lab (tests/lab/lab.sh): the controller, driven through the test-support main
# NftDriver, installs `table inet synguard` in the server namespace with its own `nft -i`, then
#
#   1. with enforcement active for 198.18.0.1:80, the client's SYNs are dropped (a GET fails within
#      lab_http_get's 2 s) and the unverified-drop counter rises;
#   2. verify-to-pass latency: the client sends a SYN every 200 us (hping3) while unverified; the
#      time from the verify() call to the server's first SYN-ACK on the wire (same CLOCK_REALTIME)
#      is measured 5 times and printed, with nft's own acknowledgement latency;
#   3. verified, the client's GET succeeds, also during a spoofed flood, whose SYNs are dropped;
#   4. blocked, its SYNs are dropped and the blocked counter rises; unblocked, it passes again;
#   5. deactivated, nothing is dropped any more; tear-down leaves no table in the namespace.
#
# Bounded (re-runs itself under `timeout 180`); traps remove the namespaces and stop every process.
# The classes come from SG_BUILD_DIR (default target/): synguard.jar and test-classes, built with
# `mvn -DskipTests package` when missing.
set -euo pipefail

if [[ -z "${SG_NFT_ENFORCE_BOUNDED:-}" ]]; then
    export SG_NFT_ENFORCE_BOUNDED=1
    exec timeout -k 10 180 bash "$0" "$@"
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source=SCRIPTDIR/../lib/common.sh
source "$here/../lib/common.sh"
root="$(repo_root)"
# shellcheck source=SCRIPTDIR/../lab/lab.sh
source "$root/tests/lab/lab.sh"

[[ "$(id -u)" -eq 0 ]] || die "needs root (network namespaces)"
ensure_packages iproute2 nftables nginx tcpreplay tcpdump python3 hping3
find_jdk25
build="${SG_BUILD_DIR:-$root/target}"
if [[ ! -f "$build/synguard.jar" || ! -f "$build/test-classes/net/synguard/mitigate/NftDriver.class" ]]; then
    log "building $build (synguard.jar and test classes)"
    (cd "$root" && mvn -q -B -DskipTests -DbuildDir="$build" package </dev/null 2>&1 | sed -u 's/\x1b\[[0-9;]*m//g') ||
        die "maven build failed"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
lab_trap

lab_up
lab_server_sysctls 1
lab_start_http 80

srv() { lab_ns_exec "$LAB_SRV" "$@"; }
counter() { # counter COMMENT: packets counted by the rule with that comment
    srv nft list chain inet synguard prerouting |
        awk -v c="comment \"$1\"" 'index($0, c) && substr($0, length($0) - length(c) + 1) == c {
            for (i = 1; i <= NF; i++) if ($i == "packets") { print $(i + 1); exit } }'
}
http_ok() { [[ "$(lab_http_get "$LAB_SRV_IP" 80 2>/dev/null || true)" == "HTTP/1."*" 200"* ]]; }
http_fails() { ! http_ok; }

coproc DRV { exec java -cp "$build/synguard.jar:$build/test-classes" net.synguard.mitigate.NftDriver \
    "$LAB_SRV" "$LAB_SRV_IP:80" 2>"$work/driver.err"; }
lab_register_pid "$DRV_PID"
REPLY_LINE=""
drv() { # drv COMMAND...: send a line, read its answer into REPLY_LINE; status 0 when it starts "ok"
    printf '%s\n' "$*" >&"${DRV[1]}"
    while IFS= read -r -t 15 REPLY_LINE <&"${DRV[0]}"; do
        case "$REPLY_LINE" in
            failed*) log "controller reported: $REPLY_LINE" ;;
            ok*) return 0 ;;
            *) return 1 ;;
        esac
    done
    REPLY_LINE="(no answer)"
    return 1
}

check "baseline: the client's GET succeeds" http_ok
check "setup installs the table" drv setup
check "the table is there" eq "$(srv nft list tables | grep -c 'table inet synguard')" 1

# ---------------------------------------------------------------- 1. unverified clients are dropped
check "activate 198.18.0.1:80" drv activate "$LAB_SRV_IP" 80
t0=$SECONDS
check "unverified: the client's GET fails" http_fails
check "... within lab_http_get's bound" le $((SECONDS - t0)) 3
unverified="$(counter unverified4)"
check "the unverified-drop counter rose ($unverified)" ge "$unverified" 1

# ---------------------------------------------------------------- 2. verify-to-pass latency
lat_wire=()
lat_ack=()
for run in 1 2 3 4 5; do
    pcap="$work/pass-$run.pcap"
    lab_capture_start "$pcap" "tcp and src host $LAB_SRV_IP and dst host $LAB_CLI_IP and tcp[tcpflags] & tcp-syn != 0"
    ip netns exec "$LAB_CLI" timeout 10 hping3 -q -S -p 80 -i u200 -c 15000 "$LAB_SRV_IP" >/dev/null 2>&1 &
    hp=$!
    lab_register_pid "$hp"
    sleep 0.4
    # Short timeout: the next run starts unverified again.
    if drv verify "$LAB_CLI_IP" 1000; then
        read -r _ wall_ns ack_ns <<<"$REPLY_LINE"
    else
        wall_ns=0 ack_ns=0
        log "verify failed: $REPLY_LINE"
    fi
    sleep 0.3
    lab_stop_pid "$hp"
    lab_capture_stop 2>/dev/null
    read -r n first _ <<<"$(lab_pcap_stats "$pcap")"
    if [[ "${n:-0}" -gt 0 && "$wall_ns" -gt 0 ]]; then
        ms="$(awk -v f="$first" -v w="$wall_ns" 'BEGIN { printf "%.3f", (f - w / 1e9) * 1000 }')"
        ack="$(awk -v a="$ack_ns" 'BEGIN { printf "%.3f", a / 1e6 }')"
        log "run $run: verify() to the first SYN-ACK on the wire ${ms} ms (nft acknowledged after ${ack} ms; $n SYN-ACKs)"
        lat_wire+=("$ms")
        lat_ack+=("$ack")
    else
        log "run $run: no SYN-ACK captured (n=${n:-0})"
    fi
    sleep 1.2 # the 1 s verification expires
done
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR ? v[int((NR + 1) / 2)] : "nan") }'; }
check "latency measured in 5 runs" eq "${#lat_wire[@]}" 5
if [[ ${#lat_wire[@]} -gt 0 ]]; then
    wire_med="$(median "${lat_wire[@]}")"
    echo "verify-to-pass latency: median ${wire_med} ms (runs: ${lat_wire[*]} ms); nft ack median $(median "${lat_ack[@]}") ms"
    check "every SYN-ACK came after the verify() call" ge "$(median "${lat_wire[@]}")" 0
    check "median verify-to-pass under 20 ms" le "$wire_med" 20
fi
check "expired: the client's GET fails again" http_fails

# ---------------------------------------------------------------- 3. verified clients pass, floods do not
check "verify the client for 60 s" drv verify "$LAB_CLI_IP" 60000
check "verified: the client's GET succeeds" http_ok
before="$(counter unverified4)"
lab_flood 5000 5000 80
after="$(counter unverified4)"
check "the spoofed flood's SYNs were dropped ($((after - before)) of 5000)" ge "$((after - before))" 5000
check "the verified client still gets through after the flood" http_ok
check "no SYN_RECV left by the flood (dropped before the kernel)" eq "$(lab_synrecv 80)" 0

# ---------------------------------------------------------------- 4. blocked sources
check "block the client" drv block "$LAB_CLI_IP" 60000
before="$(counter blocked4)"
check "blocked: the client's GET fails" http_fails
after="$(counter blocked4)"
check "the blocked counter rose ($before -> $after)" ge "$after" "$((before + 1))"
check "unblock the client" drv unblock "$LAB_CLI_IP"
check "unblocked: the client's GET succeeds" http_ok

# ---------------------------------------------------------------- 5. off and gone
check "deactivate 198.18.0.1:80" drv deactivate "$LAB_SRV_IP" 80
before="$(counter unverified4)"
lab_flood 5000 1000 80
check "deactivated: a spoofed flood is no longer dropped (counter stays at $before)" eq "$(counter unverified4)" "$before"
drv latency && echo "nft acknowledgement latency over the run: ${REPLY_LINE#ok }"
check "tear-down" drv teardown
check "no table left in the server namespace" eq "$(srv nft list tables | grep -c synguard || true)" 0
drv quit || true
wait "$DRV_PID" 2>/dev/null || true
check "the controller wrote no errors" eq "$(grep -c -i 'error\|exception' "$work/driver.err" || true)" 0

echo
if [[ $failures -gt 0 ]]; then
    echo "60-nft-enforce: $failures check(s) failed"
    exit 1
fi
echo "60-nft-enforce: all checks passed"
