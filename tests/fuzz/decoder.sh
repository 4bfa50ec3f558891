#!/usr/bin/env bash
# A Jazzer fuzzing campaign on the frame decoder, outside CI, through JUnit's @FuzzTest.
# tests/fuzz/campaign.sh is the longer campaign (decoder and cookie path, Jazzer's own driver,
# minimized corpus checked in under src/test/resources/fuzz/ and replayed by `mvn verify`).
#
#   tests/fuzz/decoder.sh [MINUTES]     (default 10)
#
# FrameDecoderFuzzTest's two targets run in fuzzing mode (JAZZER_FUZZ=1) for 30 s
# each per round (their @FuzzTest maxDuration), round after round until MINUTES
# have passed. The generated corpus stays in .cifuzz-corpus/ (git-ignored) and
# grows from round to round; a finding fails the round, stops the campaign, and
# leaves its reproducer in src/test/resources/.../FrameDecoderFuzzTestInputs/,
# where plain `mvn test` replays it from then on. To keep an interesting input
# as a seed, copy it from .cifuzz-corpus/ into that directory.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source=SCRIPTDIR/../lib/common.sh
source "$here/../lib/common.sh"
root="$(repo_root)"
cd "$root"

minutes="${1:-10}"
[[ "$minutes" =~ ^[0-9]+$ ]] || die "usage: $0 [MINUTES]"
find_jdk25
ensure_packages libpcap0.8

deadline=$(( $(date +%s) + minutes * 60 ))
round=0
while (( $(date +%s) < deadline )); do
    round=$((round + 1))
    log "round $round (campaign ends in $(( (deadline - $(date +%s)) / 60 )) min)"
    if ! JAZZER_FUZZ=1 mvn -B -q -Dtest=FrameDecoderFuzzTest -Dsurefire.failIfNoSpecifiedTests=false test; then
        die "round $round found a crash: see the reproducer under src/test/resources/net/synguard/decode/FrameDecoderFuzzTestInputs/"
    fi
done
corpus=$(find .cifuzz-corpus -type f 2>/dev/null | wc -l)
log "campaign done: $round rounds, no findings, $corpus inputs in .cifuzz-corpus/"
