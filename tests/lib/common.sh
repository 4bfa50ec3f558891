# shellcheck shell=bash
# Shared helpers for synguard's scripts (tests/run-all, tests/e2e/*, tests/bench/*, bin/demo).
# Source it; do not run it. It sets no shell options itself: each caller sets
# `set -euo pipefail` so that the behaviour is visible in the script that relies on it.
#
#   log MSG...            progress line on stderr, prefixed with the script name
#   die MSG...            error line on stderr, exit 1
#   repo_root             absolute path of the checkout (parent of tests/)
#   find_jdk25            export JAVA_HOME and PATH for a JDK >= 25, or die
#   ensure_packages PKG…  apt-get install whatever of PKG is missing (root, noninteractive)
#   build_jar             mvn package unless target/synguard.jar is up to date
#   check DESC CMD...     run CMD; print "ok    DESC" or "FAIL  DESC" and count the failure in $failures
#   ge A B / le A B       numeric A >= B / A <= B (decimals allowed)
#   eq A B                string A == B
#   kv LINE KEY           the value of KEY=... in a "key=value key=value" line

if [[ -n "${SYNGUARD_COMMON_SH:-}" ]]; then
    return 0
fi
SYNGUARD_COMMON_SH=1

log() {
    printf '[%s] %s\n' "$(basename "${0:-synguard}")" "$*" >&2
}

die() {
    printf '[%s] ERROR: %s\n' "$(basename "${0:-synguard}")" "$*" >&2
    exit 1
}

# This file lives at tests/lib/common.sh, so the root is two levels up; resolved
# from BASH_SOURCE so it works whatever the caller's working directory is.
repo_root() {
    local here
    here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
    (cd "$here/../.." && pwd -P)
}

# Major version of a `java` binary, from `java -version` (stderr). Handles both
# "25.0.1" and the old "1.8.0_x" scheme. Prints nothing if it cannot run.
java_major_of() {
    local java="$1" line ver
    [[ -x "$java" ]] || return 0
    line="$("$java" -version 2>&1 | awk -F'"' '/version "/ {print $2; exit}')" || return 0
    ver="${line%%[.+-]*}"
    if [[ "$ver" == "1" ]]; then
        ver="$(printf '%s' "$line" | cut -d. -f2)"
    fi
    [[ "$ver" =~ ^[0-9]+$ ]] && printf '%s\n' "$ver"
    return 0
}

# Major version from a JDK's `release` file (JAVA_VERSION="25.0.3"): cheaper
# than starting a JVM for every directory under /usr/lib/jvm.
release_major_of() {
    local dir="$1" v
    [[ -r "$dir/release" ]] || return 0
    v="$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$dir/release" | head -n1)"
    v="${v%%[.+-]*}"
    [[ "$v" =~ ^[0-9]+$ ]] && printf '%s\n' "$v"
    return 0
}

# Pick a JDK >= 25: an explicit JAVA_HOME wins when it is new enough (the
# operator or CI chose it); otherwise the newest one under /usr/lib/jvm, because
# Debian's default `java` here is 17 and Maven would build with it.
find_jdk25() {
    local min=25 major best="" best_major=0 dir
    # Already chosen in this run (exported, so child scripts skip the search too).
    if [[ -n "${SYNGUARD_JDK:-}" && "${JAVA_HOME:-}" == "$SYNGUARD_JDK" ]]; then
        return 0
    fi
    if [[ -n "${JAVA_HOME:-}" ]]; then
        major="$(java_major_of "$JAVA_HOME/bin/java")"
        if [[ -n "$major" && "$major" -ge "$min" ]]; then
            best="$JAVA_HOME"
            best_major="$major"
        else
            log "JAVA_HOME=$JAVA_HOME is Java ${major:-unknown}, need >= $min; looking in ${SYNGUARD_JVM_DIR:-/usr/lib/jvm}"
        fi
    fi
    if [[ -z "$best" ]]; then
        for dir in "${SYNGUARD_JVM_DIR:-/usr/lib/jvm}"/*; do
            # Debian ships symlinked aliases (java-1.17.0-openjdk-amd64 -> java-17-...):
            # harmless, they resolve to the same release file.
            [[ -d "$dir" && -x "$dir/bin/java" ]] || continue
            major="$(release_major_of "$dir")"
            [[ -n "$major" ]] || continue
            if [[ "$major" -ge "$min" && "$major" -gt "$best_major" ]]; then
                best="$dir"
                best_major="$major"
            fi
        done
    fi
    if [[ -z "$best" ]]; then
        die "no JDK >= $min found (JAVA_HOME=${JAVA_HOME:-unset}; nothing suitable in ${SYNGUARD_JVM_DIR:-/usr/lib/jvm}). Install one (e.g. temurin-25-jdk) or set JAVA_HOME to it."
    fi
    JAVA_HOME="$best"
    PATH="$JAVA_HOME/bin:$PATH"
    SYNGUARD_JDK="$best"
    # Maven 3.8's bundled Guava calls sun.misc.Unsafe, which JDK 24+ warns
    # about on every run; the warning is noise in CI logs, not a problem of ours.
    case " ${MAVEN_OPTS:-} " in
        *" --sun-misc-unsafe-memory-access="*) ;;
        *) MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }--sun-misc-unsafe-memory-access=allow" ;;
    esac
    export JAVA_HOME PATH SYNGUARD_JDK MAVEN_OPTS
    log "using JDK $best_major at $JAVA_HOME"
}

# apt-get update costs 10-30 s: do it at most once per run, and only when
# something is actually missing. The marker is exported so child scripts of the
# same run (tests/run-all -> tests/e2e/*.sh) share it.
ensure_packages() {
    local pkg status missing=()
    for pkg in "$@"; do
        # dpkg-query exits 0 for removed-but-configured packages too: check the
        # status text (captured, not piped into grep -q, which pipefail could trip).
        status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
        [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
    done
    [[ ${#missing[@]} -gt 0 ]] || return 0
    [[ "$(id -u)" -eq 0 ]] || die "missing packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})"
    export DEBIAN_FRONTEND=noninteractive
    # tshark's postinst asks whether non-root users may capture; answer it in
    # advance (no) so the install never waits on a terminal that CI does not have.
    if printf '%s\n' "${missing[@]}" | grep -qx -e tshark -e wireshark-common; then
        echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections
    fi
    if [[ "${SYNGUARD_APT_UPDATED:-}" != 1 ]]; then
        log "apt-get update (missing: ${missing[*]})"
        apt-get update -qq </dev/null >/dev/null || die "apt-get update failed (network? /etc/apt/sources.list?)"
        export SYNGUARD_APT_UPDATED=1
    fi
    log "installing: ${missing[*]}"
    # dpkg's progress is hundreds of lines of noise in a CI log: keep it in a
    # file and show its tail only when the install fails.
    local aptlog rc_guard=""
    aptlog="$(mktemp)"
    # Tools, not services: nginx's package would start a system nginx on port 80
    # of the host. A policy-rc.d that refuses (101) keeps every installed service
    # stopped; the tests start their own copies inside their namespaces.
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        rc_guard=/usr/sbin/policy-rc.d
    fi
    local ok=1
    apt-get install -y -q --no-install-recommends \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
        "${missing[@]}" </dev/null >"$aptlog" 2>&1 || ok=0
    [[ -z "$rc_guard" ]] || rm -f "$rc_guard"
    if [[ "$ok" != 1 ]]; then
        tail -n 30 "$aptlog" >&2
        rm -f "$aptlog"
        die "apt-get install ${missing[*]} failed"
    fi
    rm -f "$aptlog"
}

# Build the runnable jar unless it is newer than every input. `find -newer`
# lists inputs changed after the jar; any output means rebuild.
build_jar() {
    local root jar newer
    root="$(repo_root)"
    jar="$root/target/synguard.jar"
    if [[ -f "$jar" ]]; then
        # A missing config/ or src/ is not an error here; maven will say what it needs.
        newer="$(cd "$root" && { find src pom.xml config -newer "$jar" -print -quit 2>/dev/null || true; })"
        if [[ -z "$newer" ]]; then
            log "target/synguard.jar is up to date"
            return 0
        fi
        log "rebuilding: $newer changed since target/synguard.jar"
    fi
    # Always re-check: an inherited JAVA_HOME may be Debian's 17.
    find_jdk25
    log "mvn -B -q -DskipTests package"
    # sed: Maven 3.8 on JDK 25 writes bare ANSI resets even with -B -q.
    (cd "$root" && mvn -B -q -DskipTests package </dev/null 2>&1 | sed -u 's/\x1b\[[0-9;]*m//g') \
        || die "maven build failed"
    [[ -f "$jar" ]] || die "maven finished but $jar is missing"
}

# ---------------------------------------------------------------- test checks

failures=0
check() {
    local what="$1"
    shift
    if "$@"; then
        printf 'ok    %s\n' "$what"
    else
        printf 'FAIL  %s\n' "$what"
        failures=$((failures + 1))
    fi
}
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 >= b + 0) }'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 <= b + 0) }'; }
eq() { [[ "$1" == "$2" ]]; }
kv() { tr ' ' '\n' <<<"$1" | awk -F= -v k="$2" '$1 == k { print $2; exit }'; }
