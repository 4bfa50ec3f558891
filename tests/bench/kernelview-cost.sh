#!/usr/bin/env bash
# What one refresh of the daemon's kernel view (net.synguard.kernel.KernelView: /proc/net/netstat,
# /proc/net/tcp, /proc/net/tcp6, read once a second by the kernel-view thread) costs: heap bytes
# allocated and CPU (user + system) per refresh, with the kernel's SYN_RECV table empty and full.
# Needs root (a network namespace). About 30 s. Outside CI.
#
#   tests/bench/kernelview-cost.sh [--syns N] [--refreshes R] [--jar JAR]...
#
# In a namespace of its own: eight listeners (198.18.0.1:8080-8087, backlog 65535, never
# accepting; a queue past half full would make the kernel expire old requests early) with tcp_syncookies=0, so every SYN leaves a request socket (SYN_RECV) for about a
# few minutes (tcp_synack_retries=8: 511 s); SYN-ACKs leave by a veth pair and vanish. Measures an empty
# table, then sends --syns (100,000) SYNs from random 198.19.0.0/16 sources through a raw socket
# (bounded by count and a 120 s timeout) and measures again. Each --jar (default: this checkout's
# target/synguard.jar) is measured in the same run, so their ratio holds on a busy machine. The
# harness is net.synguard.bench.KernelViewCost (src/test), built into target/test-classes.
#
# Output: key=value lines per jar and period (bytes_per_refresh_median, cpu_us_per_refresh_median,
# ...).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source=SCRIPTDIR/../lib/common.sh
source "$here/../lib/common.sh"
root="$(repo_root)"

syns=100000
refreshes=10
jars=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --syns) syns="$2"; shift 2 ;;
        --refreshes) refreshes="$2"; shift 2 ;;
        --jar) jars+=("$2"); shift 2 ;;
        -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument $1 (see --help)" ;;
    esac
done
[[ $(id -u) -eq 0 ]] || die "needs root (a network namespace)"
find_jdk25
if [[ ${#jars[@]} -eq 0 ]]; then
    build_jar
    jars=("$root/target/synguard.jar")
fi
[[ -f "$root/target/test-classes/net/synguard/bench/KernelViewCost.class" ]] ||
    (cd "$root" && mvn -q -o test-compile >/dev/null) || die "cannot build the test classes"

ns="sgkv-$$"
listener_pid=""
cleanup() {
    [[ -n "$listener_pid" ]] && kill "$listener_pid" 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
}
trap cleanup EXIT

ip netns add "$ns"
nx() { ip netns exec "$ns" "$@"; }
nx ip link set lo up
# SYN-ACKs to the spoofed sources leave by v0 for a gateway that a permanent neighbour entry
# names, and die at v1 (not an address of this namespace, no forwarding): no ARP, no RST.
nx ip link add v0 type veth peer name v1
nx ip link set v0 up
nx ip link set v1 up
# A queue on v0: without one, a SYN-ACK retransmission that v1's backlog refuses (they fire
# in bursts of thousands) fails back to the request socket, which the kernel then frees; with
# one, v0 reports success and the table stays as large as the flood made it.
nx tc qdisc add dev v0 root pfifo_head_drop limit 1000
nx ip addr add 198.18.0.1/24 dev v0
nx ip neigh add 198.18.0.2 lladdr 02:00:00:00:00:02 dev v0 nud permanent
nx ip route add 198.19.0.0/16 via 198.18.0.2 dev v0
nx sysctl -qw net.ipv4.tcp_syncookies=0 net.ipv4.tcp_max_syn_backlog=262144 net.core.somaxconn=65535 \
    net.ipv4.tcp_synack_retries=8 net.ipv4.ip_forward=0 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.lo.rp_filter=0

nx timeout 300 python3 -c '
import socket, time
ss = []
for port in range(8080, 8088):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("198.18.0.1", port)); s.listen(65535); ss.append(s)
time.sleep(300)
' >/dev/null 2>&1 &
listener_pid=$!
sleep 1

# Twice, the jars taking turns, so that a table that shrinks or a neighbour's load falls on both.
measure() {
    local period="$1" round jar
    for round in 1 2; do
        for jar in "${jars[@]}"; do
            nx java -Xmx256m -cp "$jar:$root/target/test-classes" net.synguard.bench.KernelViewCost /proc "$refreshes" |
                sed "s|^|period=$period round=$round jar=$jar |"
        done
    done
}

measure empty

log "sending $syns SYNs"
start=$(date +%s.%N)
nx timeout 120 python3 - "$syns" <<'EOF'
import os, random, socket, struct, sys

def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF

n = int(sys.argv[1])
dst = socket.inet_aton("198.18.0.1")
raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
rnd = random.Random(5)
for i in range(n):
    src = socket.inet_aton("198.19.%d.%d" % (rnd.randrange(256), rnd.randrange(1, 255)))
    sport = rnd.randrange(1024, 65536)
    dport = 8080 + (i & 7)
    tcp = struct.pack("!HHIIBBHHH", sport, dport, rnd.getrandbits(32), 0, 5 << 4, 0x02, 64240, 0, 0)
    pseudo = src + dst + struct.pack("!BBH", 0, socket.IPPROTO_TCP, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), i & 0xFFFF, 0, 64, socket.IPPROTO_TCP, 0, src, dst)
    raw.sendto(ip + tcp, ("198.18.0.1", 0))
EOF
echo "send_seconds=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')"
echo "syn_recv_per_ss_before=$(nx ss -Htn state syn-recv | wc -l)"
measure full
echo "syn_recv_per_ss_after=$(nx ss -Htn state syn-recv | wc -l)"
