# shellcheck shell=bash
# Attacks on the defence itself (issue 6) in the namespace lab: tests/e2e/82-forgery.sh and
# 83-reflection.sh. Source it after tests/lib/common.sh and tests/lab/lab.sh; do not run it.
#
#   atk_daemon_start DIR HANDOFF [MITIGATION LINES...]
#                                     synguard in the server ns as the unit starts it, mode always,
#                                     protecting LAB_SRV_IP:80, the given extra lines inside
#                                     mitigation { }; metrics on 127.0.0.1:ATK_METRICS_PORT; waits
#                                     until it captures and its table exists; sets ATK_DAEMON_PID
#   atk_daemon_stop                   SIGTERM, wait (KILL after 20 s)
#   atk_scrape FILE                   the daemon's metrics into FILE
#   atk_counter FILE NAME             synguard_mitigation_responder_total{counter="NAME"} in FILE
#   atk_set_elements SET              the elements of `inet synguard` SET (verified4, blocked4), one a line
#   atk_trafgen_cfg NAME KIND ARGS    write a trafgen config LAB_DIR/NAME.trafgen, print its path:
#       forgery                       two packets, sent in turn: an ACK with random seq and ack, an
#                                     RST with random seq (no ACK bit), from 198.19.drnd(2), random
#                                     source port, to LAB_SRV_IP:80, no options (54-byte frames)
#       syn SMAC SRC                  SYNs from SRC ("198, 19, 9, drnd(1)" style: trafgen bytes),
#                                     random source port and ISN, to LAB_SRV_IP:80, no options
#   atk_forgery_pcap N                the forgery frames above as a pcap of N distinct frames (python,
#                                     about 1 s per 100k), printed path; for tcpreplay's accurate rate
#   atk_tcpreplay_start PCAP PPS COUNT  tcpreplay --pps from the attacker, looping PCAP up to COUNT
#                                     frames, in the background (ATK_TRAFGEN_PID: atk_trafgen_wait)
#   atk_trafgen_start NS IF CFG COUNT GAP_US
#                                     trafgen in the background, bounded by COUNT and a timeout;
#                                     sets ATK_TRAFGEN_PID. atk_trafgen_wait: wait for it.
#
# Every process is registered with lab_register_pid, so lab_trap's lab_down stops it on failure.

if [[ -n "${SYNGUARD_ATTACKS_SH:-}" ]]; then
    return 0
fi
SYNGUARD_ATTACKS_SH=1

ATK_METRICS_PORT="${ATK_METRICS_PORT:-9478}"
ATK_DAEMON_PID=""
ATK_TRAFGEN_PID=""

_atk_srv() { ip netns exec "$LAB_SRV" "$@"; }

atk_daemon_start() {
    local dir="${1:?atk_daemon_start DIR HANDOFF [LINES...]}" handoff="${2:?}" conf i
    shift 2
    # shellcheck disable=SC2034 # read by the scripts that source this file (alerts.log is there)
    ATK_DAEMON_DIR="$dir"
    mkdir -p "$dir/state"
    conf="$dir/synguard.conf"
    {
        printf 'synguard {\n  interfaces = [ "%s" ]\n' "$LAB_IF"
        printf '  protect = [ { address = "%s", ports = [ 80 ] } ]\n' "$LAB_SRV_IP"
        printf '  mitigation {\n    mode = "always", handoff = "%s", verified-timeout = 10m\n' "$handoff"
        for i in "$@"; do printf '    %s\n' "$i"; done
        printf '  }\n  alerts { file = "%s/alerts.log" }\n' "$dir"
        printf '  metrics { listen = "127.0.0.1:%s" }\n  state-dir = "%s/state"\n}\n' "$ATK_METRICS_PORT" "$dir"
    } >"$conf"
    lab_daemon_launch "$conf" "$dir"
    ATK_DAEMON_PID="$LAB_DAEMON_PID"
    lab_daemon_await "$ATK_DAEMON_PID" "$dir/daemon.log" _atk_ready ||
        _lab_die "synguard did not get ready (log above)"
    _lab_log "synguard ($handoff) ready, pid $ATK_DAEMON_PID"
}

# Ready beyond capturing: its table exists and its metrics endpoint answers.
_atk_ready() {
    _atk_srv nft list table inet synguard >/dev/null 2>&1 &&
        _atk_srv curl -s --max-time 1 "http://127.0.0.1:$ATK_METRICS_PORT/metrics" >/dev/null 2>&1
}

atk_daemon_stop() {
    lab_daemon_stop "$ATK_DAEMON_PID"
    ATK_DAEMON_PID=""
}

atk_scrape() {
    _atk_srv curl -s --max-time 2 "http://127.0.0.1:$ATK_METRICS_PORT/metrics" >"${1:?atk_scrape FILE}" 2>/dev/null || : >"$1"
}

atk_counter() {
    awk -v n="counter=\"${2:?atk_counter FILE NAME}\"" '$1 ~ /^synguard_mitigation_responder_total/ && index($1, n) { v = $2 }
        END { printf "%.0f\n", v + 0 }' "${1:?}"
}

atk_set_elements() {
    _atk_srv nft -j list set inet synguard "${1:?atk_set_elements SET}" | python3 -c '
import json, sys
for item in json.load(sys.stdin)["nftables"]:
    for e in item.get("set", {}).get("elem", []) or []:
        v = e["elem"]["val"] if isinstance(e, dict) and "elem" in e else e
        print(v)'
}

atk_trafgen_cfg() {
    local name="${1:?atk_trafgen_cfg NAME KIND ARGS}" kind="${2:?}" f dmac srv
    f="$LAB_DIR/$name.trafgen"
    dmac="$(_atk_mac_bytes "$LAB_SRV_MAC")"
    srv="$(echo "$LAB_SRV_IP" | tr . ,)"
    case "$kind" in
        forgery)
            local smac
            smac="$(_atk_mac_bytes "$LAB_ATK_MAC")"
            cat >"$f" <<EOF
{
  $dmac, $smac, 0x08, 0x00,
  0x45, 0x00, 0x00, 40, drnd(2), 0x40, 0x00, 64, 6, csumip(14, 33),
  198, 19, drnd(2), $srv,
  drnd(2), 0x00, 80, drnd(4), drnd(4),
  0x50, 0x10, 0xfa, 0xf0, csumtcp(14, 34), 0x00, 0x00,
}
{
  $dmac, $smac, 0x08, 0x00,
  0x45, 0x00, 0x00, 40, drnd(2), 0x40, 0x00, 64, 6, csumip(14, 33),
  198, 19, drnd(2), $srv,
  drnd(2), 0x00, 80, drnd(4), 0x00, 0x00, 0x00, 0x00,
  0x50, 0x04, 0x00, 0x00, csumtcp(14, 34), 0x00, 0x00,
}
EOF
            ;;
        syn)
            local smac src="${4:?atk_trafgen_cfg NAME syn SMAC SRC}"
            smac="$(_atk_mac_bytes "${3:?}")"
            cat >"$f" <<EOF
{
  $dmac, $smac, 0x08, 0x00,
  0x45, 0x00, 0x00, 40, drnd(2), 0x40, 0x00, 64, 6, csumip(14, 33),
  $src, $srv,
  drnd(2), 0x00, 80, drnd(4), 0x00, 0x00, 0x00, 0x00,
  0x50, 0x02, 0xfa, 0xf0, csumtcp(14, 34), 0x00, 0x00,
}
EOF
            ;;
        *) _lab_die "atk_trafgen_cfg: KIND is forgery or syn (got $kind)" ;;
    esac
    printf '%s\n' "$f"
}

atk_forgery_pcap() {
    local n="${1:?atk_forgery_pcap N}" f
    f="$LAB_DIR/forgery-$n.pcap"
    python3 - "$f" "$n" "$LAB_SRV_IP" "$LAB_SRV_MAC" "$LAB_ATK_MAC" <<'PY' || _lab_die "generating $f failed"
import random, socket, struct, sys
path, n, dst, dmac, smac = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
mac = lambda s: bytes(int(x, 16) for x in s.split(":"))
eth = mac(dmac) + mac(smac) + b"\x08\x00"
daddr = socket.inet_aton(dst)
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF
rnd = random.Random(0xF0F6E)
with open(path, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    for i in range(n):
        rst = i & 1
        saddr = bytes((198, 19, rnd.randrange(256), rnd.randrange(256)))
        flags, ack = (0x04, 0) if rst else (0x10, rnd.getrandbits(32))
        tcp = struct.pack("!HHIIBBHHH", rnd.randrange(1024, 65536), 80, rnd.getrandbits(32), ack, 5 << 4, flags,
                          0 if rst else 64240, 0, 0)
        tcp = tcp[:16] + struct.pack("!H", csum(saddr + daddr + struct.pack("!BBH", 0, 6, 20) + tcp)) + tcp[18:]
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40, rnd.getrandbits(16), 0x4000, 64, 6, 0, saddr, daddr)
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        frame = eth + ip + tcp
        f.write(struct.pack("<IIII", i // 1000000, i % 1000000, len(frame), len(frame)) + frame)
PY
    printf '%s\n' "$f"
}

atk_tcpreplay_start() {
    local pcap="${1:?atk_tcpreplay_start PCAP PPS COUNT}" pps="${2:?}" count="${3:?}" n
    [[ -z "$ATK_TRAFGEN_PID" ]] || _lab_die "a flood is already running (pid $ATK_TRAFGEN_PID)"
    n="${pcap##*-}"
    n="${n%.pcap}"
    timeout -k 3 "$((2 * count / pps + 10))" ip netns exec "$LAB_ATK" tcpreplay -q -i "$LAB_ATK_IF" --pps="$pps" \
        --limit="$count" --loop="$(((count + n - 1) / n))" --preload-pcap "$pcap" >"$pcap.out" 2>&1 </dev/null &
    ATK_TRAFGEN_PID=$!
    lab_register_pid "$ATK_TRAFGEN_PID"
}

_atk_mac_bytes() { echo "$1" | sed 's/^/0x/; s/:/, 0x/g'; }

atk_trafgen_start() {
    local ns="${1:?atk_trafgen_start NS IF CFG COUNT GAP_US}" ifname="${2:?}" cfg="${3:?}" count="${4:?}" gap="${5:?}"
    [[ -z "$ATK_TRAFGEN_PID" ]] || _lab_die "a trafgen is already running (pid $ATK_TRAFGEN_PID)"
    # Bound: twice the nominal time plus 10 s.
    timeout -k 3 "$((2 * count * gap / 1000000 + 10))" ip netns exec "$ns" \
        trafgen -o "$ifname" -c "$cfg" -n "$count" -t "${gap}us" -P1 >"$cfg.out" 2>&1 </dev/null &
    ATK_TRAFGEN_PID=$!
    lab_register_pid "$ATK_TRAFGEN_PID"
}

atk_trafgen_wait() {
    local rc=0
    [[ -n "$ATK_TRAFGEN_PID" ]] || return 0
    wait "$ATK_TRAFGEN_PID" || rc=$?
    _lab_forget "$ATK_TRAFGEN_PID"
    ATK_TRAFGEN_PID=""
    return "$rc"
}
