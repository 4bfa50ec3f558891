#!/usr/bin/env bash
# The replay and check-config commands as an operator or a script uses them: through the
# launcher, on real files, checking exit codes, stdout, stderr and files.
#
#   - the same capture gives byte-identical events on every run, on stdout and with --alerts;
#   - the same capture as pcapng (editcap) gives the same events: the format is sniffed;
#   - a capture cut mid-record still yields its events and summary, then exits 74;
#   - not a capture (65), no such file (66), a bad config (78) fail with a message that says
#     which file and why;
#   - check-config prints the effective config for the shipped file, and refuses a bad one.
#
# Needs: a built target/synguard.jar and editcap (tshark's package); tests/run-all has both.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source=SCRIPTDIR/../lib/common.sh
source "$here/../lib/common.sh"
root="$(repo_root)"
sg="$root/bin/synguard"
lab="$root/tests/captures/lab_mixed_spoofed_flood_and_http.pcap"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT


exit_code() { # exit_code EXPECTED COMMAND...: the command's exit code is EXPECTED
    local want="$1" rc=0
    shift
    "$@" >"$work/out" 2>"$work/err" || rc=$?
    if [[ "$rc" != "$want" ]]; then
        echo "    expected exit $want, got $rc; stderr:" && sed 's/^/    /' "$work/err" | head -5
        return 1
    fi
}

# Determinism, stdout and --alerts.
"$sg" replay "$lab" >"$work/run1.jsonl" 2>"$work/run1.err"
"$sg" replay "$lab" >"$work/run2.jsonl" 2>/dev/null
"$sg" replay --alerts "$work/alerts.jsonl" "$lab" >"$work/stdout-with-alerts" 2>/dev/null
check "lab replay writes events" test -s "$work/run1.jsonl"
check "two runs are byte-identical" cmp -s "$work/run1.jsonl" "$work/run2.jsonl"
check "--alerts FILE holds the same bytes" cmp -s "$work/run1.jsonl" "$work/alerts.jsonl"
check "--alerts FILE leaves stdout empty" test ! -s "$work/stdout-with-alerts"
check "every event line is a JSON object with ts and event" python3 -c '
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    assert e["ts"].endswith("Z") and e["event"].startswith("attack_"), line
' "$work/run1.jsonl"
check "the summary is on stderr" grep -q '^attacks  *1$' "$work/run1.err"

# pcapng: same packets, same events.
editcap -F pcapng "$lab" "$work/lab.pcapng"
"$sg" replay "$work/lab.pcapng" >"$work/ng.jsonl" 2>"$work/ng.err"
check "pcapng gives the same events as pcap" cmp -s "$work/run1.jsonl" "$work/ng.jsonl"
check "pcapng is recognised by its magic number" grep -q '(pcapng' "$work/ng.err"
cp "$work/lab.pcapng" "$work/lab-named-wrongly.pcap"
check "the file name does not decide the format" exit_code 0 "$sg" replay --alerts /dev/null "$work/lab-named-wrongly.pcap"

# A file cut in the middle of a record: what was read is analysed and reported.
size=$(stat -c %s "$lab")
head -c $((size / 2 + 7)) "$lab" >"$work/cut.pcap"
check "a truncated capture exits 74" exit_code 74 "$sg" replay "$work/cut.pcap"
check "... after writing the events it read" grep -q attack_started "$work/out"
check "... and its summary" grep -q '^packets ' "$work/err"

# Bad input.
check "not a capture file exits 65" exit_code 65 "$sg" replay "$root/README.md"
check "... saying so" grep -q 'not a capture file: magic number' "$work/err"
check "a missing file exits 66" exit_code 66 "$sg" replay "$work/nope.pcap"
check "... naming it" grep -q "nope.pcap: no such file" "$work/err"
printf 'synguard.detect.destination.syn-rate = -5\n' >"$work/bad.conf"
check "a bad config exits 78" exit_code 78 "$sg" replay --config "$work/bad.conf" "$lab"
check "... naming file, line, key, value and what was expected" \
    grep -qF "$work/bad.conf:1: synguard.detect.destination.syn-rate = -5: expected a number greater than 0" "$work/err"

# check-config.
check "check-config accepts the shipped file" exit_code 0 "$sg" check-config "$root/config/synguard.conf"
check "... and prints the effective config" grep -q 'syn-rate' "$work/out"
check "check-config refuses a bad file with 78" exit_code 78 "$sg" check-config "$work/bad.conf"
printf 'synguard.detect.destination { syn-rate = 100000, half-open = 100000 }\n' >"$work/high.conf"
"$sg" replay --config "$work/high.conf" "$lab" >"$work/lab-high.jsonl" 2>/dev/null
check "thresholds above the flood in a config file: no attack" test ! -s "$work/lab-high.jsonl"

if ((failures > 0)); then
    echo "replay CLI: $failures check(s) failed"
    exit 1
fi
echo "replay CLI: all checks passed"
