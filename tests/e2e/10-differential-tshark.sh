#!/usr/bin/env bash
# Differential test: synguard's decoder and handshake tracker against tshark.
#
#   tests/e2e/10-differential-tshark.sh [CAPTURE.pcap...]     (default: tests/captures/*.pcap)
#
# For each capture, runs `bin/synguard replay --alerts /dev/null FILE` and reads
# its stderr summary ("key N" lines), then computes the same numbers with tshark
# (tests/lib/tshark-counts.sh, which documents exactly what is counted) and
# prints a table per file. Exit 0 only if every number matches for every file.
#
#   syn                   SYN set, ACK clear
#   syn_ack               SYN and ACK set
#   handshakes_completed  streams with SYN, then SYN-ACK, then the ACK that completes it
#
# Needs: tshark, a built target/synguard.jar (tests/run-all does both).
# SYNGUARD_TEST_SUMMARY=FILE skips running synguard and parses FILE instead,
# for testing this script before/without the replay command.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source=SCRIPTDIR/../lib/common.sh
source "$here/../lib/common.sh"
root="$(repo_root)"

command -v tshark >/dev/null || die "tshark not installed (tests/run-all installs it)"

readonly KEYS=(syn syn_ack handshakes_completed)

# Value of KEY from "key N" lines; empty if absent. Matching the first field
# exactly keeps "syn" from matching "syn_ack".
value_of() {
    awk -v k="$1" '$1 == k { print $2; exit }' "$2"
}

captures=("$@")
if [[ ${#captures[@]} -eq 0 ]]; then
    captures=("$root"/tests/captures/*.pcap)
fi
[[ -e "${captures[0]}" ]] || die "no captures found"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

failed=0
for cap in "${captures[@]}"; do
    name="$(basename "$cap")"
    ours="$work/ours.txt"
    theirs="$work/tshark.txt"

    if [[ -n "${SYNGUARD_TEST_SUMMARY:-}" ]]; then
        cp "$SYNGUARD_TEST_SUMMARY" "$ours"
        rc=0
    else
        # The summary goes to stderr; stdout carries alerts (sent to /dev/null by --alerts).
        rc=0
        "$root/bin/synguard" replay --alerts /dev/null "$cap" >/dev/null 2>"$ours" || rc=$?
    fi
    "$here/../lib/tshark-counts.sh" "$cap" >"$theirs"

    printf '\n### %s\n\n' "$name"
    printf '| %-22s | %12s | %12s | %-8s |\n' key synguard tshark check
    echo '|------------------------|--------------|--------------|----------|'
    file_ok=1
    for key in "${KEYS[@]}"; do
        a="$(value_of "$key" "$ours")"
        b="$(value_of "$key" "$theirs")"
        mark="ok"
        if [[ -z "$a" || "$a" != "$b" ]]; then
            mark="MISMATCH"
            file_ok=0
        fi
        printf '| %-22s | %12s | %12s | %-8s |\n' "$key" "${a:-missing}" "$b" "$mark"
    done
    if [[ $rc -ne 0 ]]; then
        file_ok=0
        printf 'synguard replay exited %d; its stderr:\n' "$rc"
        sed 's/^/    /' "$ours" | tail -n 20
    elif [[ $file_ok -eq 0 ]]; then
        # Show tshark's diagnostics too: they tell a decoder miss from a
        # tracker disagreement about what "completed" means.
        printf 'tshark diagnostics: %s\n' "$(grep -E '^(completeness_bits|ordered_handshakes) ' "$theirs" | tr '\n' ' ')"
        printf 'synguard stderr (last lines):\n'
        tail -n 20 "$ours" | sed 's/^/    /'
    fi
    [[ $file_ok -eq 1 ]] || failed=$((failed + 1))
done

echo
if [[ $failed -ne 0 ]]; then
    echo "differential: $failed of ${#captures[@]} captures disagree with tshark"
    exit 1
fi
echo "differential: all ${#captures[@]} captures agree with tshark"
