#!/usr/bin/env bash
# Run the JMH microbenchmarks (package net.synguard.bench, under src/test/java).
#
#   tests/bench/jmh.sh                          every benchmark
#   tests/bench/jmh.sh Decode                   benchmarks whose name matches the regex
#   tests/bench/jmh.sh TcpTracker -f 2 -i 10    extra JMH options after the regex
#   tests/bench/jmh.sh -l                       list (any JMH option works; no regex = all)
#
# Defaults: -f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc, each dropped when you give
# that option yourself. -prof gc prints gc.alloc.rate.norm (B/op): the hot
# path's budget is 0 (STYLE.md). Results: stdout; add `-rf json -rff FILE` to keep them.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source=SCRIPTDIR/../lib/common.sh
source "$here/../lib/common.sh"
root="$(repo_root)"
cd "$root"

regex='net\.synguard\.bench\..*'
if [[ $# -gt 0 && "$1" != -* ]]; then
    regex="$1"
    shift
fi
extra=("$@")

find_jdk25

# test-compile runs JMH's annotation processor (configured in pom.xml), which
# writes META-INF/BenchmarkList into target/test-classes.
log "mvn -B -q -DskipTests test-compile"
mvn -B -q -DskipTests test-compile </dev/null || die "test-compile failed"

# The test-scope classpath changes only with pom.xml: cache it beside the classes.
cpfile="$root/target/jmh-test-classpath.txt"
if [[ ! -s "$cpfile" || pom.xml -nt "$cpfile" ]]; then
    log "resolving the test classpath"
    mvn -B -q dependency:build-classpath -Dmdep.outputFile="$cpfile" -Dmdep.includeScope=test </dev/null \
        || die "dependency:build-classpath failed"
fi
[[ -f target/test-classes/META-INF/BenchmarkList ]] \
    || die "no JMH benchmarks compiled (expected @Benchmark classes in src/test/java/net/synguard/bench)"

# Add a default only when the caller did not pass that option.
has_opt() {
    local o
    for o in "${extra[@]}"; do
        [[ "$o" == "$1" ]] && return 0
    done
    return 1
}
defaults=()
for pair in "-f 1" "-wi 3" "-i 5" "-w 1s" "-r 1s" "-prof gc"; do
    read -r opt val <<<"$pair"
    has_opt "$opt" || defaults+=("$opt" "$val")
done
# Listing or help: measurement defaults would only confuse the output.
if has_opt -l || has_opt -lp || has_opt -lprof || has_opt -h; then
    defaults=()
fi

# JMH's forked JVMs inherit this JVM's flags, so --enable-native-access
# reaches the benchmarks (FFM/JNA code under test).
cp="target/test-classes:target/classes:$(cat "$cpfile")"
log "java --enable-native-access=ALL-UNNAMED -cp <test classpath> org.openjdk.jmh.Main $regex ${defaults[*]} ${extra[*]}"
exec java --enable-native-access=ALL-UNNAMED -cp "$cp" org.openjdk.jmh.Main "$regex" "${defaults[@]}" "${extra[@]}"
