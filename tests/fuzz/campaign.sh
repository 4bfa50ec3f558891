#!/usr/bin/env bash
# A Jazzer fuzzing campaign on the frame decoder and the cookie path, outside CI.
#
#   tests/fuzz/campaign.sh [MINUTES]          (default 36: half for each target)
#   tests/fuzz/campaign.sh --merge-only       (only re-minimize the checked-in corpus)
#
# Targets (test sources, plain static fuzzerTestOneInput(byte[]) classes run by Jazzer's own
# driver, so libFuzzer's -merge minimization and final statistics are available):
#   decoder  net.synguard.decode.FrameDecoderFuzzTarget
#   cookie   net.synguard.mitigate.CookiePathFuzzTarget   (CookieCodec + Responder)
#
# Each target fuzzes for MINUTES/2, starting from its checked-in corpus
# src/test/resources/fuzz/TARGET/ (the decoder also from FrameDecoderFuzzTestInputs/ethernetFrame/),
# in a working corpus under .cifuzz-corpus/campaign/TARGET/ (git-ignored, kept between runs).
# Then libFuzzer's -merge=1 minimizes checked-in + working corpus into the smallest set with the
# same coverage, which replaces src/test/resources/fuzz/TARGET/; FuzzCorpusReplayTest replays it in
# every `mvn verify`. Commit the changed corpus by hand.
#
# A finding stops that target: its input is left in .cifuzz-corpus/campaign/findings/ (and a Java
# reproducer next to it); the script exits non-zero after both targets ran. Logs:
# $FUZZ_LOG_DIR/fuzz-TARGET.log (default tests/out/fuzz/). Runs under nice -n 19.
# Environment: FUZZ_BUILD_DIR (default target/), FUZZ_TARGETS (default "decoder cookie").
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source=SCRIPTDIR/../lib/common.sh
source "$here/../lib/common.sh"
root="$(repo_root)"
cd "$root"

merge_only=0
minutes=36
case "${1:-}" in
    --merge-only) merge_only=1 ;;
    "") ;;
    *) [[ "$1" =~ ^[0-9]+$ ]] || die "usage: $0 [MINUTES | --merge-only]"; minutes="$1" ;;
esac
read -r -a targets <<<"${FUZZ_TARGETS:-decoder cookie}"
build="${FUZZ_BUILD_DIR:-$root/target}"
logs="${FUZZ_LOG_DIR:-$root/tests/out/fuzz}"
work="$root/.cifuzz-corpus/campaign"
mkdir -p "$logs" "$work/findings"
find_jdk25

declare -A class=(
    [decoder]=net.synguard.decode.FrameDecoderFuzzTarget
    [cookie]=net.synguard.mitigate.CookiePathFuzzTarget
)
# Longest input: an Ethernet frame with room for a jumbo-ish header; the cookie target reads at most
# a few hundred bytes.
declare -A max_len=([decoder]=1600 [cookie]=1024)
declare -A extra_seeds=([decoder]="src/test/resources/net/synguard/decode/FrameDecoderFuzzTestInputs/ethernetFrame")

log "building test classes into $build"
mvn -B -q -o test-compile dependency:build-classpath -DbuildDir="$build" -Dmdep.includeScope=test \
    -Dmdep.outputFile="$build/fuzz-classpath.txt" >/dev/null
cp="$(cat "$build/fuzz-classpath.txt"):$build/test-classes:$build/classes"

jazzer() {
    local target="$1"
    shift
    nice -n 19 "$JAVA_HOME/bin/java" -Xmx768m -cp "$cp" com.code_intelligence.jazzer.Jazzer \
        --target_class="${class[$target]}" '--instrumentation_includes=net.synguard.**' \
        --reproducer_path="$work/findings" "$@"
}

failed=0
seconds=$(( minutes * 60 / ${#targets[@]} ))
for t in "${targets[@]}"; do
    [[ -n "${class[$t]:-}" ]] || die "unknown target $t"
    checked_in="src/test/resources/fuzz/$t"
    mkdir -p "$checked_in" "$work/$t"
    tlog="$logs/fuzz-$t.log"
    if (( ! merge_only )); then
        cp -n "$checked_in"/* "$work/$t/" 2>/dev/null || true
        [[ -z "${extra_seeds[$t]:-}" ]] || cp -n "${extra_seeds[$t]}"/* "$work/$t/" 2>/dev/null || true
        before=$(find "$work/$t" -type f | wc -l)
        log "$t: fuzzing ${class[$t]} for ${seconds}s from $before inputs (log: $tlog)"
        {
            echo "# $(date -u +%FT%TZ) $0 $minutes: ${class[$t]}, ${seconds}s, $before inputs"
            echo "# java: $("$JAVA_HOME/bin/java" -version 2>&1 | head -1); nproc $(nproc); load $(cut -d' ' -f1-3 /proc/loadavg)"
        } >"$tlog"
        started=$(date +%s)
        rc=0
        jazzer "$t" -max_total_time="$seconds" -max_len="${max_len[$t]}" -print_final_stats=1 \
            -artifact_prefix="$work/findings/$t-" "$work/$t" >>"$tlog" 2>&1 || rc=$?
        runs=$(awk '/stat::number_of_executed_units:/ { print $2 }' "$tlog" | tail -1)
        crashes=$(find "$work/findings" -name "$t-crash-*" -o -name "$t-timeout-*" -o -name "$t-oom-*" | wc -l)
        echo "fuzz_target=$t seconds=$(( $(date +%s) - started )) executions=${runs:-unknown} exit=$rc findings=$crashes" \
            | tee -a "$tlog"
        if (( rc != 0 )); then
            failed=1
            log "$t: FINDING (exit $rc): see $tlog and $work/findings/"
            continue
        fi
    fi
    # Minimize checked-in + working corpus into a fresh directory with the same coverage.
    fresh="$(mktemp -d "$work/merge-$t.XXXXXX")"
    jazzer "$t" -merge=1 -max_len="${max_len[$t]}" "$fresh" "$checked_in" "$work/$t" >>"$tlog" 2>&1 \
        || die "$t: merge failed, see $tlog"
    rm -f "$checked_in"/*
    cp "$fresh"/* "$checked_in"/
    rm -rf "$fresh"
    echo "fuzz_corpus=$t inputs=$(find "$checked_in" -type f | wc -l) bytes=$(du -sb "$checked_in" | cut -f1)" \
        | tee -a "$tlog"
done
total=$(du -sb src/test/resources/fuzz | cut -f1)
log "checked-in corpus: $total bytes in src/test/resources/fuzz/"
(( total < 2 * 1024 * 1024 )) || log "WARNING: corpus is over 2 MB; lower -max_len or prune"
(( failed == 0 )) || die "campaign found crashes: see $logs/fuzz-*.log and $work/findings/"
log "campaign done: no findings"
