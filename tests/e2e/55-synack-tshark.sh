#!/usr/bin/env bash
# The responder's SYN-ACKs and RSTs (net.synguard.mitigate.SynAckBuilder) as tshark sees them.
#
#   - SynAckPcapTest writes synack.pcap (IPv4 and IPv6; untagged, 802.1Q and QinQ; MSS only and
#     MSS with timestamps), rst.pcap, and for each the tshark fields it expects, line by line;
#   - with checksum validation on, tshark finds no bad IP or TCP checksum, nothing malformed and
#     no expert error in either file, and does find the two frames of broken.pcap (so the filter
#     is able to match at all);
#   - tshark's flags, raw sequence and acknowledgment numbers, MSS, timestamps and VLAN IDs equal
#     the expected ones: every SYN-ACK frame is a SYN-ACK with the MSS it was built with.
#
# Needs: tshark and Maven (tests/run-all has both). Builds in target/ (where run-all's verify just
# compiled, so this is one test run); SYNGUARD_BUILD_DIR=DIR builds elsewhere (-DbuildDir).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source=SCRIPTDIR/../lib/common.sh
source "$here/../lib/common.sh"
root="$(repo_root)"

ensure_packages tshark
find_jdk25

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

build_dir=()
if [[ -n "${SYNGUARD_BUILD_DIR:-}" ]]; then
    build_dir=("-DbuildDir=$SYNGUARD_BUILD_DIR")
fi
log "mvn test -Dtest=SynAckPcapTest (pcaps into $work)"
# sed: Maven 3.8 on JDK 25 writes bare ANSI resets even with -B -q.
(cd "$root" && mvn -B -q -ntp "${build_dir[@]}" -Dtest=SynAckPcapTest -Dsurefire.failIfNoSpecifiedTests=false \
    "-Dsynguard.synackPcapDir=$work" test </dev/null 2>&1 | sed -u 's/\x1b\[[0-9;]*m//g') ||
    die "mvn test -Dtest=SynAckPcapTest failed"

for f in synack.pcap synack.expected rst.pcap rst.expected broken.pcap; do
    [[ -s "$work/$f" ]] || die "SynAckPcapTest did not write $f"
done

# Keep in step with SynAckPcapTest.FIELDS.
fields=(tcp.flags.syn tcp.flags.ack tcp.flags.reset tcp.seq_raw tcp.ack_raw tcp.options.mss_val
    tcp.options.timestamp.tsval tcp.options.timestamp.tsecr ieee8021ad.id vlan.id)
field_args=()
for f in "${fields[@]}"; do
    field_args+=(-e "$f")
done
readonly BAD='tcp.checksum.status == 2 || ip.checksum.status == 2 || _ws.malformed || _ws.expert.severity >= error'

# The frames tshark flags: checksums validated (off by default), root's warning dropped.
flagged() {
    tshark -r "$1" -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE -Y "$BAD" 2>/dev/null
}
frames() {
    tshark -r "$1" 2>/dev/null | wc -l
}
fields_of() {
    tshark -r "$1" -T fields -E separator=/t "${field_args[@]}" 2>/dev/null
}
same_fields() { # same_fields NAME: tshark's fields for NAME.pcap are NAME.expected
    if ! diff <(fields_of "$work/$1.pcap") "$work/$1.expected" >"$work/$1.diff"; then
        echo "    tshark (<) vs expected (>), fields: ${fields[*]}"
        sed 's/^/    /' "$work/$1.diff" | head -20
        return 1
    fi
}
every_synack_has_mss() {
    fields_of "$work/synack.pcap" | awk -F'\t' '$1 != 1 || $2 != 1 || $3 != 0 || $6 == "" { bad++ } END { exit bad > 0 || NR != 12 }'
}

check "synack.pcap: 12 frames" eq "$(frames "$work/synack.pcap")" 12
check "rst.pcap: 12 frames" eq "$(frames "$work/rst.pcap")" 12
check "synack.pcap: no bad checksum, malformed frame or expert error" eq "$(flagged "$work/synack.pcap")" ""
check "rst.pcap: no bad checksum, malformed frame or expert error" eq "$(flagged "$work/rst.pcap")" ""
check "broken.pcap: the filter finds both broken checksums" eq "$(flagged "$work/broken.pcap" | wc -l)" 2
check "synack.pcap: every frame a SYN-ACK with an MSS" every_synack_has_mss
check "synack.pcap: flags, seq/ack, MSS, timestamps, VLANs as built" same_fields synack
check "rst.pcap: flags, seq, VLANs as built" same_fields rst

[[ $failures -eq 0 ]] || die "$failures check(s) failed"
log "all checks passed"
