# shellcheck shell=bash
# The network-namespace lab for synguard's end-to-end tests. Source it (after
# tests/lib/common.sh); do not run it. Needs root, iproute2, and per function:
# nginx, netsniff-ng (trafgen), tcpreplay, tcpdump, nftables, python3.
#
#   server ns  (LAB_SRV)  br0 = 198.18.0.1/24, 2001:db8::1/64   <- LAB_IF: sees every frame
#     |- vatk  (bridge port) ---- veth ---- attacker ns (LAB_ATK) eth0 = 198.18.0.2, 2001:db8::2
#     |- vcli  (bridge port) ---- veth ---- client ns   (LAB_CLI) eth0 = 198.18.0.3, 2001:db8::3
#
# Nothing is connected to the host's namespace and there is no default route
# anywhere: every address on the wire is in 198.18.0.0/15 or 2001:db8::/32.
# Spoofed sources (198.19.0.0/16) are routed by the server back to the
# attacker, whose nftables drops them at prerouting: the server's SYN-ACKs to
# spoofed sources leave the server, are seen on br0, and die in the attacker.
# Neighbour entries are static both ways (no ARP/ND in measurements), IPv6
# addresses skip DAD (usable at once), bridge FDB entries are static.
#
# Names are unique per run: sglab-<pid of the sourcing shell>-{srv,atk,cli}.
#
#   lab_cleanup_stale                 remove namespaces/dirs of dead runs (prefix sglab-)
#   lab_up                            build the lab; exports the LAB_* variables below
#   lab_trap                          install EXIT/INT/TERM traps that run lab_down (keeps
#                                     the caller's earlier EXIT trap, run after lab_down)
#   lab_down                          idempotent: stop registered pids, anything left in the
#                                     lab namespaces, delete the namespaces and LAB_DIR
#   lab_register_pid PID              lab_down stops PID (TERM, then KILL after 3 s)
#   lab_stop_pid PID                  stop one pid now (TERM, then KILL)
#   lab_server_sysctls MODE [SYN_BACKLOG] [SOMAXCONN]
#                                     tcp_syncookies=MODE (0|1|2), tcp_max_syn_backlog
#                                     (default 256), somaxconn (default 4096),
#                                     tcp_no_metrics_save=1 and tcp_metrics flush
#   lab_start_http PORT [BACKLOG]     nginx on 198.18.0.1:PORT and [2001:db8::1]:PORT (listen
#                                     backlog default 511), waits until it answers; sets
#                                     LAB_HTTP_PID. lab_stop_http PORT stops it.
#   lab_http_get IP PORT              one GET from the client ns (bash /dev/tcp); prints status line
#   lab_clients RATE SECONDS OUTFILE [ARGS...]
#                                     tests/lab/http_clients.py in the client ns, foreground
#                                     (ARGS go to it: --connect-timeout, --port, --host ...);
#                                     per-request CSV in OUTFILE; its summary line (key=value)
#                                     on stdout, in OUTFILE.summary and in LAB_CLIENTS_SUMMARY
#   lab_clients_start RATE SECONDS OUTFILE [ARGS...] / lab_clients_wait
#                                     the same in the background (LAB_CLIENTS_PID registered);
#                                     _wait sets LAB_CLIENTS_SUMMARY, returns the client's status
#                                     (call it directly, not in $(...): a subshell cannot wait)
#   lab_flood RATE_PPS COUNT [DPORT]  spoofed SYN flood at LAB_SRV_IP:DPORT (default 80),
#                                     rate-limited with the accurate generator (tcpreplay --pps);
#                                     foreground: returns when COUNT packets are sent
#   lab_flood_tcpreplay RATE_PPS COUNT [DPORT]   the same, explicitly
#   lab_flood_prepare COUNT [DPORT]   write that flood's pcap now (else the first flood does)
#   lab_flood_trafgen RATE_PPS COUNT [DPORT]     trafgen -n COUNT -t GAP (less accurate: see notes)
#   lab_flood_max COUNT [DPORT]       trafgen -P1 -n COUNT, as fast as the lab goes
#   lab_daemon_launch CONF DIR [JAVA_OPTS...] / lab_daemon_await PID LOG [READY_CMD...] /
#   lab_daemon_stop PID               the daemon as the unit starts it (see the functions)
#   lab_capture_start FILE [FILTER]   tcpdump -i LAB_IF in the server ns (filter default "tcp")
#   lab_capture_stop                  wait LAB_CAPTURE_DRAIN (1.2 s: libpcap's block timeout), stop
#                                     it (flushes FILE); tcpdump's packet/drop counts on stderr
#   lab_pcap_stats FILE [FILTER]      "COUNT FIRST_TS LAST_TS PPS" of FILE's packets matching a BPF
#                                     filter (fast; tcpdump -r printing is quadratic in flows)
#   lab_pcap_count FILE [FILTER]      just COUNT
#   lab_netstat KEY                   a counter of the server ns: TcpExt name (SyncookiesSent) or
#                                     prefixed (TcpExtListenDrops, IpExtInOctets, TcpActiveOpens)
#   lab_synrecv PORT                  sockets in SYN-RECV on local PORT in the server ns
#   lab_ns_exec NS CMD...             ip netns exec NS CMD... (for ad-hoc commands)
#
# Environment knobs (all optional):
#   LAB_CAPTURE_DRAIN    seconds lab_capture_stop waits before stopping tcpdump (1.2)
#   LAB_CAPTURE_SNAPLEN  tcpdump -s (128: headers only)
#   LAB_CAPTURE_OPTS     extra tcpdump words, e.g. --immediate-mode (costs CPU at high rates)
#   LAB_TRAFGEN_LIMIT    lab_flood_trafgen: gap (-t, default) or rate (trafgen's -b)
#   LAB_KEEP_DIR=1       lab_down keeps LAB_DIR (nginx config and logs, generated pcaps)
#
# Foreground helpers run their child in the background and `wait` for it, so
# INT/TERM reach the traps at once and the child (registered) is stopped.
# Every flood is bounded by COUNT and by a timeout; clients by SECONDS + timeouts.

if [[ -n "${SYNGUARD_LAB_SH:-}" ]]; then
    return 0
fi
SYNGUARD_LAB_SH=1

LAB_PREFIX="sglab-"
LAB_LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"

# Fixed addressing: namespaces are private to one run, so fixed MACs cannot collide.
LAB_SRV_IP=198.18.0.1
LAB_ATK_IP=198.18.0.2
LAB_CLI_IP=198.18.0.3
LAB_SRV_IP6=2001:db8::1
LAB_ATK_IP6=2001:db8::2
LAB_CLI_IP6=2001:db8::3
LAB_SPOOF_NET=198.19.0.0/16
LAB_SRV_MAC=02:5e:00:00:00:01
LAB_ATK_MAC=02:5e:00:00:00:02
LAB_CLI_MAC=02:5e:00:00:00:03
LAB_IF=br0
LAB_ATK_IF=eth0
LAB_CLI_IF=eth0
export LAB_SRV_IP LAB_ATK_IP LAB_CLI_IP LAB_SRV_IP6 LAB_ATK_IP6 LAB_CLI_IP6 LAB_SPOOF_NET \
    LAB_SRV_MAC LAB_ATK_MAC LAB_CLI_MAC LAB_IF LAB_ATK_IF LAB_CLI_IF

LAB_PIDS=()
LAB_UP=0

_lab_log() {
    if declare -F log >/dev/null; then log "lab: $*"; else printf '[lab] %s\n' "$*" >&2; fi
}
_lab_die() {
    if declare -F die >/dev/null; then die "lab: $*"; else
        printf '[lab] ERROR: %s\n' "$*" >&2
        exit 1
    fi
}

lab_ns_exec() {
    local ns="$1"
    shift
    ip netns exec "$ns" "$@"
}

# ---------------------------------------------------------------- processes

lab_register_pid() {
    [[ "${1:-}" =~ ^[0-9]+$ ]] || _lab_die "lab_register_pid: not a pid: ${1:-}"
    LAB_PIDS+=("$1")
}

# Forget PID once it has been waited for: a pid that ended can be reused by
# an unrelated process, which lab_down must not signal.
_lab_forget() {
    local p keep=()
    for p in "${LAB_PIDS[@]}"; do [[ "$p" == "$1" ]] || keep+=("$p"); done
    LAB_PIDS=("${keep[@]}")
}

# Alive and not a zombie (a child we have not reaped yet still answers kill -0).
_lab_alive() {
    local st
    kill -0 "$1" 2>/dev/null || return 1
    # /proc/PID/stat: "pid (comm) state ..."; comm may hold spaces and parentheses.
    st="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
    st="${st##*) }"
    st="${st%% *}"
    [[ -n "$st" && "$st" != Z && "$st" != X ]]
}

lab_stop_pid() {
    local pid="$1" i
    if _lab_alive "$pid"; then
        kill -TERM "$pid" 2>/dev/null || true
        for ((i = 0; i < 30; i++)); do
            _lab_alive "$pid" || break
            sleep 0.1
        done
        if _lab_alive "$pid"; then
            _lab_log "pid $pid ignored TERM for 3 s: KILL"
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    # Reap it if it is our child; harmless (and silent) otherwise.
    wait "$pid" 2>/dev/null || true
    _lab_forget "$pid"
}

# Run CMD in the background, register it, wait for it: the caller's traps run
# as soon as a signal arrives instead of after the child finishes.
_lab_run_fg() {
    local pid rc=0
    "$@" &
    pid=$!
    lab_register_pid "$pid"
    wait "$pid" || rc=$?
    _lab_forget "$pid"
    return "$rc"
}

# Stop every pid still running inside namespace NS (processes this run started there).
_lab_kill_ns_pids() {
    local ns="$1" pid pids
    pids="$(ip netns pids "$ns" 2>/dev/null || true)"
    [[ -n "$pids" ]] || return 0
    for pid in $pids; do kill -TERM "$pid" 2>/dev/null || true; done
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        pids="$(ip netns pids "$ns" 2>/dev/null || true)"
        [[ -n "$pids" ]] || return 0
        sleep 0.2
    done
    for pid in $pids; do kill -KILL "$pid" 2>/dev/null || true; done
}

# ---------------------------------------------------------------- lifecycle

lab_cleanup_stale() {
    local ns owner d
    while read -r ns _; do
        [[ "$ns" == "$LAB_PREFIX"* ]] || continue
        owner="${ns#"$LAB_PREFIX"}"
        owner="${owner%%-*}"
        [[ "$owner" =~ ^[0-9]+$ ]] || continue
        # A live owner (this shell, or a parallel run) keeps its namespaces.
        kill -0 "$owner" 2>/dev/null && continue
        _lab_log "removing stale namespace $ns (owner pid $owner is gone)"
        _lab_kill_ns_pids "$ns"
        ip netns del "$ns" 2>/dev/null || true
    done < <(ip netns list 2>/dev/null)
    for d in /tmp/"$LAB_PREFIX"*; do
        [[ -d "$d" ]] || continue
        owner="${d#/tmp/"$LAB_PREFIX"}"
        owner="${owner%%.*}"
        [[ "$owner" =~ ^[0-9]+$ ]] || continue
        kill -0 "$owner" 2>/dev/null && continue
        rm -rf "$d"
    done
}

lab_up() {
    [[ "$(id -u)" -eq 0 ]] || _lab_die "lab_up needs root (network namespaces)"
    [[ "$LAB_UP" -eq 0 ]] || _lab_die "lab_up: the lab of this run is already up ($LAB_SRV)"
    command -v ip >/dev/null || _lab_die "ip (iproute2) not installed"
    command -v nft >/dev/null || _lab_die "nft (nftables) not installed"
    lab_cleanup_stale

    LAB_SRV="${LAB_PREFIX}$$-srv"
    LAB_ATK="${LAB_PREFIX}$$-atk"
    LAB_CLI="${LAB_PREFIX}$$-cli"
    export LAB_SRV LAB_ATK LAB_CLI
    LAB_DIR="$(mktemp -d "/tmp/${LAB_PREFIX}$$.XXXXXX")"
    # nginx workers (www-data) read the static file under it.
    chmod 0755 "$LAB_DIR"
    export LAB_DIR
    LAB_UP=1

    local ns
    for ns in "$LAB_SRV" "$LAB_ATK" "$LAB_CLI"; do
        ip netns add "$ns" || _lab_die "ip netns add $ns failed"
        # Before any interface exists: new interfaces copy the 'default' settings.
        ip netns exec "$ns" sysctl -q -w \
            net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
            net.ipv6.conf.all.dad_transmits=0 net.ipv6.conf.default.dad_transmits=0 \
            net.ipv6.conf.default.router_solicitations=0 \
            net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0 \
            net.ipv6.conf.default.addr_gen_mode=1 \
            net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
            net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0 >/dev/null ||
            _lab_die "sysctls in $ns failed"
        ip -n "$ns" link set lo up
    done

    # Bridge in the server namespace; the veths are created directly in their
    # namespaces, so the host's namespace never holds (or collides on) a name.
    ip -n "$LAB_SRV" link add br0 address "$LAB_SRV_MAC" type bridge stp_state 0 forward_delay 0 mcast_snooping 0 ||
        _lab_die "creating br0 failed"
    ip -n "$LAB_ATK" link add "$LAB_ATK_IF" address "$LAB_ATK_MAC" type veth peer name vatk netns "$LAB_SRV" ||
        _lab_die "creating the attacker's veth failed"
    ip -n "$LAB_CLI" link add "$LAB_CLI_IF" address "$LAB_CLI_MAC" type veth peer name vcli netns "$LAB_SRV" ||
        _lab_die "creating the client's veth failed"
    local port
    for port in vatk vcli; do
        ip -n "$LAB_SRV" link set "$port" master br0
        # Bridge ports carry no addresses: no link-local, no MLD/RS noise.
        ip netns exec "$LAB_SRV" sysctl -q -w "net.ipv6.conf.$port.disable_ipv6=1" >/dev/null
        ip -n "$LAB_SRV" link set "$port" up
    done
    ip -n "$LAB_SRV" link set br0 up
    # br0 plays the server's NIC. With bridge netfilter on (the kernel's default in every new
    # namespace: net.bridge.bridge-nf-call-iptables=1), frames to the host run the IP prerouting
    # hooks at the bridge port, before br0's packet taps: a SYN that synguard's table drops would
    # never reach its capture on br0. On a real NIC the taps come first; make br0 behave the same.
    ip netns exec "$LAB_SRV" sysctl -q -w net.bridge.bridge-nf-call-iptables=0 \
        net.bridge.bridge-nf-call-ip6tables=0 net.bridge.bridge-nf-call-arptables=0 >/dev/null 2>&1 || true
    ip -n "$LAB_ATK" link set "$LAB_ATK_IF" up
    ip -n "$LAB_CLI" link set "$LAB_CLI_IF" up
    # Static FDB: frames to the attacker or client never flood the other port.
    bridge -n "$LAB_SRV" fdb replace "$LAB_ATK_MAC" dev vatk master static
    bridge -n "$LAB_SRV" fdb replace "$LAB_CLI_MAC" dev vcli master static

    ip -n "$LAB_SRV" addr add "$LAB_SRV_IP/24" dev br0
    ip -n "$LAB_SRV" addr add "$LAB_SRV_IP6/64" dev br0 nodad
    ip -n "$LAB_ATK" addr add "$LAB_ATK_IP/24" dev "$LAB_ATK_IF"
    ip -n "$LAB_ATK" addr add "$LAB_ATK_IP6/64" dev "$LAB_ATK_IF" nodad
    ip -n "$LAB_CLI" addr add "$LAB_CLI_IP/24" dev "$LAB_CLI_IF"
    ip -n "$LAB_CLI" addr add "$LAB_CLI_IP6/64" dev "$LAB_CLI_IF" nodad

    # Static neighbours both ways.
    ip -n "$LAB_SRV" neigh replace "$LAB_ATK_IP" lladdr "$LAB_ATK_MAC" dev br0 nud permanent
    ip -n "$LAB_SRV" neigh replace "$LAB_CLI_IP" lladdr "$LAB_CLI_MAC" dev br0 nud permanent
    ip -n "$LAB_SRV" neigh replace "$LAB_ATK_IP6" lladdr "$LAB_ATK_MAC" dev br0 nud permanent
    ip -n "$LAB_SRV" neigh replace "$LAB_CLI_IP6" lladdr "$LAB_CLI_MAC" dev br0 nud permanent
    for ns in "$LAB_ATK" "$LAB_CLI"; do
        ip -n "$ns" neigh replace "$LAB_SRV_IP" lladdr "$LAB_SRV_MAC" dev eth0 nud permanent
        ip -n "$ns" neigh replace "$LAB_SRV_IP6" lladdr "$LAB_SRV_MAC" dev eth0 nud permanent
    done
    ip -n "$LAB_ATK" neigh replace "$LAB_CLI_IP" lladdr "$LAB_CLI_MAC" dev eth0 nud permanent
    ip -n "$LAB_CLI" neigh replace "$LAB_ATK_IP" lladdr "$LAB_ATK_MAC" dev eth0 nud permanent

    # Only lab addresses on the wire: the kernel still sends MLD reports (to
    # ff02::16, from :: or a link-local address) for the solicited-node groups of
    # the 2001:db8:: addresses; drop every IP packet the stack would send with an
    # address outside the lab's ranges (addr_gen_mode=1 above: no link-local
    # addresses at all). Packet sockets (trafgen, tcpreplay, the responder)
    # bypass this hook: their frames are what the test puts there.
    for ns in "$LAB_SRV" "$LAB_ATK" "$LAB_CLI"; do
        ip netns exec "$ns" nft -f - <<EOF || _lab_die "nft in $ns failed"
table inet sglab {
    chain wire_out {
        type filter hook output priority raw; policy accept;
        oifname "lo" accept
        meta nfproto ipv4 ip saddr != 198.18.0.0/15 counter drop
        meta nfproto ipv4 ip daddr != 198.18.0.0/15 counter drop
        meta nfproto ipv6 ip6 saddr != 2001:db8::/32 counter drop
        meta nfproto ipv6 ip6 daddr != 2001:db8::/32 counter drop
    }
}
EOF
    done

    # Spoofed sources: the server's replies go to the attacker, which drops them
    # at once (ip_forward=0 would drop them later, also silently: no ICMP).
    ip -n "$LAB_SRV" route add "$LAB_SPOOF_NET" via "$LAB_ATK_IP" dev br0
    ip netns exec "$LAB_ATK" nft -f - <<EOF || _lab_die "nft in $LAB_ATK failed"
table inet sglab {
    chain spoofed_in {
        type filter hook prerouting priority raw; policy accept;
        ip daddr $LAB_SPOOF_NET counter drop
    }
}
EOF

    # No default route anywhere (a fresh namespace has none; make sure).
    for ns in "$LAB_SRV" "$LAB_ATK" "$LAB_CLI"; do
        if ip -n "$ns" route show default | grep -q . || ip -n "$ns" -6 route show default | grep -q .; then
            _lab_die "unexpected default route in $ns"
        fi
    done
    _lab_log "up: $LAB_SRV (br0 $LAB_SRV_IP) $LAB_ATK ($LAB_ATK_IP) $LAB_CLI ($LAB_CLI_IP)"
}

lab_down() {
    local pid ns
    if [[ ${#LAB_PIDS[@]} -gt 0 ]]; then
        for pid in "${LAB_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
        for pid in "${LAB_PIDS[@]}"; do lab_stop_pid "$pid"; done
    fi
    LAB_PIDS=()
    LAB_CAPTURE_PID=""
    if [[ -n "${LAB_SRV:-}" ]]; then
        for ns in "$LAB_SRV" "$LAB_ATK" "$LAB_CLI"; do
            [[ -e "/run/netns/$ns" ]] || continue
            _lab_kill_ns_pids "$ns"
            ip netns del "$ns" 2>/dev/null || _lab_log "could not delete namespace $ns"
        done
    fi
    if [[ -n "${LAB_DIR:-}" && -d "$LAB_DIR" && "${LAB_KEEP_DIR:-0}" != 1 ]]; then
        rm -rf "$LAB_DIR"
    fi
    LAB_UP=0
    return 0
}

_lab_on_exit() {
    local rc=$?
    trap - EXIT INT TERM HUP
    if [[ "$LAB_UP" -eq 1 && "$rc" -ne 0 ]]; then
        _lab_log "exit status $rc: stopping the lab's processes, removing its namespaces"
    fi
    lab_down
    if [[ -n "${_LAB_PREV_EXIT_TRAP:-}" ]]; then
        eval "$_LAB_PREV_EXIT_TRAP" || true
    fi
    exit "$rc"
}

lab_trap() {
    local prev
    prev="$(trap -p EXIT)"
    _LAB_PREV_EXIT_TRAP=""
    if [[ -n "$prev" && "$prev" != *_lab_on_exit* ]]; then
        # trap -p prints: trap -- 'COMMAND' EXIT
        local -a words
        eval "words=( $prev )"
        _LAB_PREV_EXIT_TRAP="${words[2]}"
    fi
    trap _lab_on_exit EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    trap 'exit 129' HUP
}

# ---------------------------------------------------------------- server

lab_server_sysctls() {
    local mode="${1:?lab_server_sysctls MODE [SYN_BACKLOG] [SOMAXCONN]}" synb="${2:-256}" somax="${3:-4096}"
    [[ "$mode" =~ ^[012]$ ]] || _lab_die "tcp_syncookies must be 0, 1 or 2 (got $mode)"
    ip netns exec "$LAB_SRV" sysctl -q -w \
        "net.ipv4.tcp_syncookies=$mode" \
        "net.ipv4.tcp_max_syn_backlog=$synb" \
        "net.core.somaxconn=$somax" \
        net.ipv4.tcp_no_metrics_save=1 >/dev/null || _lab_die "server sysctls failed"
    # Proven peers may use the last quarter of a full queue (lab.md): forget them.
    ip -n "$LAB_SRV" tcp_metrics flush all 2>/dev/null || true
}

# One request from the client namespace; prints the status line ("HTTP/1.1 200 OK").
lab_http_get() {
    local ip="${1:-$LAB_SRV_IP}" port="${2:-80}"
    # shellcheck disable=SC2016
    ip netns exec "$LAB_CLI" timeout 2 bash -c '
        exec 3<>"/dev/tcp/$0/$1" || exit 1
        printf "GET / HTTP/1.0\r\nHost: lab\r\n\r\n" >&3
        IFS= read -r line <&3 || exit 1
        printf "%s\n" "${line%$'"'"'\r'"'"'}"' "$ip" "$port"
}

lab_start_http() {
    local port="${1:?lab_start_http PORT [BACKLOG]}" backlog="${2:-511}" dir user i
    command -v nginx >/dev/null || _lab_die "nginx not installed"
    dir="$LAB_DIR/nginx-$port"
    mkdir -p "$dir/www" "$dir/tmp"
    printf 'synguard lab ok\n' >"$dir/www/index.html"
    chmod -R a+rX "$dir"
    user="www-data"
    id -u "$user" >/dev/null 2>&1 || user="nobody nogroup"
    cat >"$dir/nginx.conf" <<EOF
daemon off;
user $user;
worker_processes 1;
worker_rlimit_nofile 16384;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 8192; }
http {
    access_log off;
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    keepalive_timeout 0;
    server {
        listen $LAB_SRV_IP:$port backlog=$backlog;
        listen [$LAB_SRV_IP6]:$port backlog=$backlog;
        root $dir/www;
        location / { index index.html; }
    }
}
EOF
    ip netns exec "$LAB_SRV" nginx -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf" </dev/null >"$dir/stdout" 2>&1 &
    LAB_HTTP_PID=$!
    lab_register_pid "$LAB_HTTP_PID"
    eval "LAB_HTTP_PID_$port=$LAB_HTTP_PID"
    for ((i = 0; i < 50; i++)); do
        if [[ "$(lab_http_get "$LAB_SRV_IP" "$port" 2>/dev/null)" == "HTTP/1."*" 200"* ]] &&
            [[ "$(lab_http_get "$LAB_SRV_IP6" "$port" 2>/dev/null)" == "HTTP/1."*" 200"* ]]; then
            _lab_log "nginx on port $port (backlog $backlog) answers, pid $LAB_HTTP_PID"
            return 0
        fi
        _lab_alive "$LAB_HTTP_PID" || break
        sleep 0.1
    done
    cat "$dir/stdout" "$dir/error.log" >&2 2>/dev/null || true
    _lab_die "nginx on port $port did not answer within 5 s"
}

lab_stop_http() {
    local port="${1:?lab_stop_http PORT}" var
    var="LAB_HTTP_PID_$port"
    [[ -n "${!var:-}" ]] && lab_stop_pid "${!var}"
    return 0
}

# ---------------------------------------------------------------- clients

_lab_clients_cmd() {
    local rate="$1" secs="$2" out="$3"
    shift 3
    # timeout: the client bounds itself (SECONDS + its timeouts); this is the backstop.
    _LAB_CMD=(timeout -k 3 "$((secs + 30))" ip netns exec "$LAB_CLI"
        python3 "$LAB_LIB_DIR/http_clients.py" --host "$LAB_SRV_IP" --port 80
        --rate "$rate" --seconds "$secs" --out "$out" "$@")
}

lab_clients() {
    local rate="${1:?lab_clients RATE SECONDS OUTFILE}" secs="${2:?}" out="${3:?}" rc=0
    shift 3
    _lab_clients_cmd "$rate" "$secs" "$out" "$@"
    _lab_run_fg "${_LAB_CMD[@]}" >"$out.summary" || rc=$?
    LAB_CLIENTS_SUMMARY="$(cat "$out.summary")"
    printf '%s\n' "$LAB_CLIENTS_SUMMARY"
    return "$rc"
}

lab_clients_start() {
    local rate="${1:?lab_clients_start RATE SECONDS OUTFILE}" secs="${2:?}" out="${3:?}"
    shift 3
    _lab_clients_cmd "$rate" "$secs" "$out" "$@"
    "${_LAB_CMD[@]}" >"$out.summary" &
    LAB_CLIENTS_PID=$!
    LAB_CLIENTS_OUT="$out"
    lab_register_pid "$LAB_CLIENTS_PID"
}

lab_clients_wait() {
    local rc=0
    [[ -n "${LAB_CLIENTS_PID:-}" ]] || _lab_die "lab_clients_wait: no clients started"
    wait "$LAB_CLIENTS_PID" || rc=$?
    _lab_forget "$LAB_CLIENTS_PID"
    LAB_CLIENTS_SUMMARY="$(cat "$LAB_CLIENTS_OUT.summary")"
    printf '%s\n' "$LAB_CLIENTS_SUMMARY"
    LAB_CLIENTS_PID=""
    return "$rc"
}

# ---------------------------------------------------------------- floods

# Generate (once per DPORT and size) a pcap of N distinct spoofed SYNs:
# Ethernet attacker->server, IPv4 198.19.x.y -> LAB_SRV_IP, random source port,
# sequence number and IP id, MSS option, valid checksums.
_lab_syn_pcap() {
    local n="$1" dport="$2" f
    f="$LAB_DIR/syn-$dport-$n.pcap"
    if [[ ! -s "$f" ]]; then
        python3 - "$f" "$n" "$dport" "$LAB_SRV_IP" "$LAB_SRV_MAC" "$LAB_ATK_MAC" <<'PY' || _lab_die "generating $f failed"
import random, socket, struct, sys
path, n, dport, dst, dmac, smac = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6]
mac = lambda s: bytes(int(x, 16) for x in s.split(":"))
eth = mac(dmac) + mac(smac) + b"\x08\x00"
daddr = socket.inet_aton(dst)
def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF
rnd = random.Random(0x5ca1ab1e ^ n ^ dport)
with open(path, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    for i in range(n):
        saddr = bytes((198, 19, rnd.randrange(256), rnd.randrange(256)))
        tcp = struct.pack("!HHIIBBHHH", rnd.randrange(1024, 65536), dport, rnd.getrandbits(32), 0,
                          6 << 4, 0x02, 64240, 0, 0) + b"\x02\x04\x05\xb4"
        tcp = tcp[:16] + struct.pack("!H", csum(saddr + daddr + struct.pack("!BBH", 0, 6, len(tcp)) + tcp)) + tcp[18:]
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), rnd.getrandbits(16), 0x4000, 64, 6, 0, saddr, daddr)
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        frame = eth + ip + tcp
        f.write(struct.pack("<IIII", i // 1000000, i % 1000000, len(frame), len(frame)) + frame)
PY
    fi
    printf '%s\n' "$f"
}

# The time bound for a flood of COUNT at RATE: twice the nominal time plus 10 s.
_lab_flood_timeout() {
    local rate="$1" count="$2"
    echo $((2 * count / (rate > 0 ? rate : 1) + 10))
}

# Write the flood's pcap now (about 0.7 s per 50k packets), so that a later
# lab_flood/lab_flood_tcpreplay with the same COUNT and DPORT starts at once.
lab_flood_prepare() {
    local count="${1:?lab_flood_prepare COUNT [DPORT]}" dport="${2:-80}"
    _lab_syn_pcap "$((count < 200000 ? count : 200000))" "$dport" >/dev/null
}

lab_flood_tcpreplay() {
    local rate="${1:?lab_flood_tcpreplay RATE_PPS COUNT [DPORT]}" count="${2:?}" dport="${3:-80}" n pcap loops
    command -v tcpreplay >/dev/null || _lab_die "tcpreplay not installed"
    # At most 200k distinct packets in the file (about 20 MB, 1-2 s to write once); loop it for more.
    n=$((count < 200000 ? count : 200000))
    pcap="$(_lab_syn_pcap "$n" "$dport")"
    loops=$(((count + n - 1) / n))
    _lab_run_fg timeout -k 3 "$(_lab_flood_timeout "$rate" "$count")" \
        ip netns exec "$LAB_ATK" tcpreplay -q -i "$LAB_ATK_IF" --pps="$rate" --limit="$count" --loop="$loops" \
        --preload-pcap "$pcap" >"$LAB_DIR/tcpreplay.out" 2>&1 || {
        cat "$LAB_DIR/tcpreplay.out" >&2
        return 1
    }
    # tcpreplay's own account ("Actual: N packets ... X pps") for the log.
    grep -E 'Actual:|Rated:' "$LAB_DIR/tcpreplay.out" | sed 's/^ */[tcpreplay] /' >&2 || true
}

# trafgen config: the same SYN as the pcap above; sources 198.19.drnd.drnd.
_lab_trafgen_cfg() {
    local dport="$1" f
    f="$LAB_DIR/syn-$dport.trafgen"
    local d1=$((dport >> 8)) d2=$((dport & 255)) ipb
    ipb="$(echo "$LAB_SRV_IP" | tr . ,)"
    local smac dmac
    dmac="$(echo "$LAB_SRV_MAC" | sed 's/^/0x/; s/:/, 0x/g')"
    smac="$(echo "$LAB_ATK_MAC" | sed 's/^/0x/; s/:/, 0x/g')"
    cat >"$f" <<EOF
{
  $dmac, $smac, 0x08, 0x00,
  0x45, 0x00, 0x00, 44, drnd(2), 0x40, 0x00, 64, 6, csumip(14, 33),
  198, 19, drnd(2), $ipb,
  drnd(2), $d1, $d2, drnd(4), 0x00, 0x00, 0x00, 0x00,
  0x60, 0x02, 0xfa, 0xf0, csumtcp(14, 34), 0x00, 0x00,
  0x02, 0x04, 0x05, 0xb4,
}
EOF
    printf '%s\n' "$f"
}

# trafgen's -t sets the gap between packets (it then sends with sendto(), one
# packet per call, and sleeps in between): the rate is 1/(gap + send cost).
lab_flood_trafgen() {
    local rate="${1:?lab_flood_trafgen RATE_PPS COUNT [DPORT]}" count="${2:?}" dport="${3:-80}" cfg gap_ns
    command -v trafgen >/dev/null || _lab_die "trafgen (netsniff-ng) not installed"
    cfg="$(_lab_trafgen_cfg "$dport")"
    gap_ns=$((1000000000 / rate))
    local -a limit=(-t "${gap_ns}ns")
    # LAB_TRAFGEN_LIMIT=rate: trafgen's own -b RATEpps instead of the gap.
    [[ "${LAB_TRAFGEN_LIMIT:-gap}" == rate ]] && limit=(-b "${rate}pps")
    _lab_run_fg timeout -k 3 "$(_lab_flood_timeout "$rate" "$count")" \
        ip netns exec "$LAB_ATK" trafgen -o "$LAB_ATK_IF" -c "$cfg" -n "$count" "${limit[@]}" -P1 \
        >"$LAB_DIR/trafgen.out" 2>&1 || {
        cat "$LAB_DIR/trafgen.out" >&2
        return 1
    }
}

lab_flood_max() {
    local count="${1:?lab_flood_max COUNT [DPORT]}" dport="${2:-80}" cfg
    command -v trafgen >/dev/null || _lab_die "trafgen (netsniff-ng) not installed"
    cfg="$(_lab_trafgen_cfg "$dport")"
    # Bounded by COUNT; the time bound assumes at least 20k pps.
    _lab_run_fg timeout -k 3 "$(_lab_flood_timeout 20000 "$count")" \
        ip netns exec "$LAB_ATK" trafgen -o "$LAB_ATK_IF" -c "$cfg" -n "$count" -P1 \
        >"$LAB_DIR/trafgen.out" 2>&1 || {
        cat "$LAB_DIR/trafgen.out" >&2
        return 1
    }
}

lab_flood() {
    lab_flood_tcpreplay "$@"
}

# ---------------------------------------------------------------- the shipped unit

# lab_unit_command CONF LOGDIR: the daemon as systemd/synguard.service starts it, its /etc and
# /var paths moved (CONF for /etc/synguard/synguard.conf, LOGDIR for /var/log/synguard, the
# checkout's config/logback.xml for /etc/synguard/logback.xml). Sets LAB_UNIT_ARGS (the
# ExecStart arguments after the program, to be word-split) and LAB_UNIT_JAVA_OPTS.
lab_unit_command() {
    local conf="${1:?lab_unit_command CONF LOGDIR}" dir="${2:?}" root unit
    root="$(cd "$LAB_LIB_DIR/../.." && pwd -P)"
    unit="$root/systemd/synguard.service"
    LAB_UNIT_ARGS="$(awk -F= '/^ExecStart=/ { sub(/^ExecStart=[^ ]+ /, ""); print; exit }' "$unit")"
    LAB_UNIT_JAVA_OPTS="$(sed -n 's/^Environment="SYNGUARD_JAVA_OPTS=\(.*\)"$/\1/p' "$unit")"
    [[ -n "$LAB_UNIT_ARGS" && -n "$LAB_UNIT_JAVA_OPTS" ]] ||
        _lab_die "cannot read ExecStart / SYNGUARD_JAVA_OPTS from $unit"
    [[ "$LAB_UNIT_JAVA_OPTS" == *"-Dsynguard.logback=/etc/synguard/logback.xml"* ]] ||
        _lab_die "the unit no longer passes -Dsynguard.logback=/etc/synguard/logback.xml"
    LAB_UNIT_ARGS="${LAB_UNIT_ARGS//\/etc\/synguard\/synguard.conf/$conf}"
    LAB_UNIT_JAVA_OPTS="${LAB_UNIT_JAVA_OPTS//\/etc\/synguard\/logback.xml/$root/config/logback.xml}"
    LAB_UNIT_JAVA_OPTS="${LAB_UNIT_JAVA_OPTS//\/var\/log\/synguard/$dir}"
    LAB_UNIT_JAVA_OPTS="${LAB_UNIT_JAVA_OPTS//%%/%}"
}

# lab_daemon_launch CONF DIR [JAVA_OPTS...]: bin/synguard in the server namespace, started as the
# unit starts it (lab_unit_command; JAVA_OPTS after the unit's), output in DIR/daemon.log,
# registered with lab_down. Sets LAB_DAEMON_PID: the JVM's own pid (ip netns exec, env and the
# launcher exec into it), so that SIGTERM reaches its shutdown hooks and /proc/PID is the JVM's.
# Call it directly, not in $(...).
lab_daemon_launch() {
    local conf="${1:?lab_daemon_launch CONF DIR [JAVA_OPTS...]}" dir="${2:?}" root
    shift 2
    root="$(cd "$LAB_LIB_DIR/../.." && pwd -P)"
    lab_unit_command "$conf" "$dir"
    # shellcheck disable=SC2086 # the unit's argument and option words
    ip netns exec "$LAB_SRV" env SYNGUARD_JAVA_OPTS="$LAB_UNIT_JAVA_OPTS $*" "$root/bin/synguard" $LAB_UNIT_ARGS \
        >"$dir/daemon.log" 2>&1 </dev/null &
    LAB_DAEMON_PID=$!
    lab_register_pid "$LAB_DAEMON_PID"
}

# lab_daemon_await PID LOG [READY_CMD...]: waits up to 30 s (a JVM start on a loaded 2-core
# machine) until LOG says the daemon captures on LAB_IF and READY_CMD (if any) succeeds. Returns 0
# and sets LAB_DAEMON_READY_MS (since the call); else prints LOG's tail and returns 1 (the daemon
# exited) or 2 (not ready in time).
lab_daemon_await() {
    local pid="${1:?lab_daemon_await PID LOG [READY_CMD...]}" log="${2:?}" i t0
    shift 2
    t0="$(date +%s%N)"
    for ((i = 0; i < 300; i++)); do
        if grep -q "capturing on $LAB_IF" "$log" 2>/dev/null && { [[ $# -eq 0 ]] || "$@"; }; then
            # shellcheck disable=SC2034 # read by the callers
            LAB_DAEMON_READY_MS=$((($(date +%s%N) - t0) / 1000000))
            return 0
        fi
        if ! _lab_alive "$pid"; then
            tail -n 30 "$log" >&2
            return 1
        fi
        sleep 0.1
    done
    tail -n 30 "$log" >&2
    return 2
}

# lab_daemon_stop PID: SIGTERM and up to 20 s (the unit's TimeoutStopSec) for a clean stop (alerts
# flushed, its table deleted), then lab_stop_pid (which alone would KILL after 3 s).
lab_daemon_stop() {
    local pid="${1:-}" i
    [[ -n "$pid" ]] || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 200; i++)); do
        _lab_alive "$pid" || break
        sleep 0.1
    done
    lab_stop_pid "$pid"
}

# ---------------------------------------------------------------- capture

lab_capture_start() {
    local file="${1:?lab_capture_start FILE [FILTER]}" filter="${2:-tcp}" i
    command -v tcpdump >/dev/null || _lab_die "tcpdump not installed"
    [[ -z "${LAB_CAPTURE_PID:-}" ]] || _lab_die "a capture is already running (pid $LAB_CAPTURE_PID)"
    LAB_CAPTURE_ERR="$LAB_DIR/tcpdump.$$.$RANDOM.err"
    # -B: 64 MiB kernel buffer (no drops at 1 M frames); -s 128: headers only.
    # -Z root: keep writing to FILE wherever it is (tcpdump drops privileges otherwise).
    # shellcheck disable=SC2086 # LAB_CAPTURE_OPTS: extra tcpdump words, split on purpose
    ip netns exec "$LAB_SRV" tcpdump -i "$LAB_IF" -nn -B 65536 -s "${LAB_CAPTURE_SNAPLEN:-128}" -Z root ${LAB_CAPTURE_OPTS:-} \
        -w "$file" "$filter" </dev/null 2>"$LAB_CAPTURE_ERR" &
    LAB_CAPTURE_PID=$!
    lab_register_pid "$LAB_CAPTURE_PID"
    for ((i = 0; i < 50; i++)); do
        grep -q 'listening on' "$LAB_CAPTURE_ERR" 2>/dev/null && return 0
        _lab_alive "$LAB_CAPTURE_PID" || break
        sleep 0.1
    done
    cat "$LAB_CAPTURE_ERR" >&2
    _lab_die "tcpdump did not start on $LAB_IF"
}

lab_capture_stop() {
    [[ -n "${LAB_CAPTURE_PID:-}" ]] || return 0
    # libpcap's TPACKET_V3 ring hands a block to tcpdump when it is full or
    # after its 1 s timeout; a tcpdump stopped sooner loses the last partial
    # block (measured: 0.3 s after a flood, 177 of 50,000 SYNs missing, and
    # "0 dropped"). Wait out the timeout (LAB_CAPTURE_DRAIN seconds).
    sleep "${LAB_CAPTURE_DRAIN:-1.2}"
    # INT: tcpdump flushes the file and prints its packet counts.
    kill -INT "$LAB_CAPTURE_PID" 2>/dev/null || true
    lab_stop_pid "$LAB_CAPTURE_PID"
    LAB_CAPTURE_PID=""
    grep -E 'captured|dropped' "$LAB_CAPTURE_ERR" | sed 's/^/[tcpdump] /' >&2 || true
}

# Packets in a capture FILE matching a BPF FILTER: "COUNT FIRST_TS LAST_TS PPS"
# (PPS = (COUNT-1)/(LAST-FIRST), 0 if undefined). tcpdump filters into a pipe
# and python counts the records: printing with tcpdump -r is quadratic in the
# number of distinct flows (measured: 52 s for 300k spoofed SYNs, this 0.5 s).
lab_pcap_stats() {
    local file="${1:?lab_pcap_stats FILE [FILTER]}" filter="${2:-}"
    tcpdump -r "$file" -w - ${filter:+"$filter"} 2>/dev/null | PYTHONPATH="$LAB_LIB_DIR" python3 -c '
import sys
from labutil import pcap_records
n, first, last = 0, 0.0, 0.0
for ts, _ in pcap_records(sys.stdin.buffer):
    if n == 0:
        first = ts
    last = ts
    n += 1
pps = (n - 1) / (last - first) if n > 1 and last > first else 0.0
print("%d %.6f %.6f %.0f" % (n, first, last, pps))'
}

lab_pcap_count() {
    local out
    out="$(lab_pcap_stats "$@")"
    printf '%s\n' "${out%% *}"
}

# ---------------------------------------------------------------- counters

lab_netstat() {
    local key="${1:?lab_netstat KEY}"
    ip netns exec "$LAB_SRV" cat /proc/net/netstat /proc/net/snmp | awk -v k="$key" '
        # Files come in pairs of lines: "Prefix: names..." then "Prefix: values...".
        $1 == last { p = substr($1, 1, length($1) - 1)
                     for (i = 2; i <= NF; i++) { v[p name[i]] = $i; if (p == "TcpExt") v[name[i]] = $i }
                     last = ""; next }
        { last = $1; split("", name); for (i = 2; i <= NF; i++) name[i] = $i }
        END { if (k in v) print v[k]; else { print "lab_netstat: no counter " k > "/dev/stderr"; exit 1 } }'
}

lab_synrecv() {
    local port="${1:?lab_synrecv PORT}"
    ip netns exec "$LAB_SRV" ss -Htan state syn-recv "( sport = :$port )" | wc -l
}

# ---------------------------------------------------------------- additions for the mitigation tests
# (tests/e2e/70-mitigation-lab.sh, bin/demo via tests/lab/mitigation.sh)
#
#   lab_client_sources CIDR           make every address of CIDR a source the client ns can bind
#                                     to (a local route there) and route CIDR from the server to
#                                     the client: many "never seen" clients for one test
#   lab_connect_clients SECONDS OUTFILE [ARGS...]
#                                     tests/lab/connect_clients.py in the client ns, foreground
#                                     (4 workers; ARGS: --reconnect, --sources CIDR, --rate ...);
#                                     CSV in OUTFILE, summary line on stdout, in OUTFILE.summary
#                                     and in LAB_CLIENTS_SUMMARY
#   lab_flood_bg_start KIND RATE COUNT [DPORT]
#                                     a spoofed flood in the background: KIND tcpreplay (--pps RATE,
#                                     accurate) or max (trafgen -P1, RATE ignored); bounded by COUNT
#                                     and a timeout; sets LAB_FLOOD_PID
#   lab_flood_bg_stop                 stop it if still running; LAB_FLOOD_SENT = the packets the
#                                     attacker's interface sent since the start (also printed)
#   lab_atk_tx                        the attacker interface's TX packet counter (for rates: read
#                                     it at both ends of the period of interest)
#   lab_synrecv_sampler_start PORT FILE
#                                     write the SYN-RECV count on PORT to FILE every 100 ms
#   lab_synrecv_sampler_stop          stop it; LAB_SYNRECV_MAX, LAB_SYNRECV_SAMPLES (also printed)
#                                     (call the _stop functions directly, not in $(...): a subshell
#                                     cannot wait for the pid nor clear it)

lab_client_sources() {
    local cidr="${1:?lab_client_sources CIDR}"
    # A local route makes the whole range the client's own (bind() works for any address in it)
    # without adding thousands of addresses; rp_filter is 0 in the lab.
    ip -n "$LAB_CLI" route replace local "$cidr" dev lo || _lab_die "local route $cidr in the client ns failed"
    # The server reaches them through the client's static neighbour entry: no ARP.
    ip -n "$LAB_SRV" route replace "$cidr" via "$LAB_CLI_IP" dev "$LAB_IF" ||
        _lab_die "route $cidr in the server ns failed"
}

lab_connect_clients() {
    local secs="${1:?lab_connect_clients SECONDS OUTFILE [ARGS...]}" out="${2:?}" rc=0
    shift 2
    # The client bounds itself (SECONDS + 2 x its 3 s timeout); timeout is the backstop.
    _lab_run_fg timeout -k 3 "$((${secs%.*} + 30))" ip netns exec "$LAB_CLI" \
        python3 "$LAB_LIB_DIR/connect_clients.py" --host "$LAB_SRV_IP" --port 80 --workers 4 \
        --seconds "$secs" --out "$out" "$@" >"$out.summary" || rc=$?
    LAB_CLIENTS_SUMMARY="$(cat "$out.summary")"
    printf '%s\n' "$LAB_CLIENTS_SUMMARY"
    return "$rc"
}

lab_flood_bg_start() {
    local kind="${1:?lab_flood_bg_start KIND RATE COUNT [DPORT]}" rate="${2:?}" count="${3:?}" dport="${4:-80}"
    local n pcap loops cfg
    [[ -z "${LAB_FLOOD_PID:-}" ]] || _lab_die "a background flood is already running (pid $LAB_FLOOD_PID)"
    LAB_FLOOD_TX0="$(lab_atk_tx)"
    case "$kind" in
        tcpreplay)
            command -v tcpreplay >/dev/null || _lab_die "tcpreplay not installed"
            n=$((count < 200000 ? count : 200000))
            pcap="$(_lab_syn_pcap "$n" "$dport")"
            loops=$(((count + n - 1) / n))
            timeout -k 3 "$(_lab_flood_timeout "$rate" "$count")" \
                ip netns exec "$LAB_ATK" tcpreplay -q -i "$LAB_ATK_IF" --pps="$rate" --limit="$count" \
                --loop="$loops" --preload-pcap "$pcap" >"$LAB_DIR/tcpreplay.out" 2>&1 </dev/null &
            ;;
        max)
            command -v trafgen >/dev/null || _lab_die "trafgen (netsniff-ng) not installed"
            cfg="$(_lab_trafgen_cfg "$dport")"
            timeout -k 3 "$(_lab_flood_timeout 20000 "$count")" \
                ip netns exec "$LAB_ATK" trafgen -o "$LAB_ATK_IF" -c "$cfg" -n "$count" -P1 \
                >"$LAB_DIR/trafgen.out" 2>&1 </dev/null &
            ;;
        *) _lab_die "lab_flood_bg_start: KIND is tcpreplay or max (got $kind)" ;;
    esac
    LAB_FLOOD_PID=$!
    lab_register_pid "$LAB_FLOOD_PID"
}

lab_flood_bg_stop() {
    local tx1
    [[ -n "${LAB_FLOOD_PID:-}" ]] || _lab_die "lab_flood_bg_stop: no background flood"
    lab_stop_pid "$LAB_FLOOD_PID"
    LAB_FLOOD_PID=""
    tx1="$(lab_atk_tx)"
    LAB_FLOOD_SENT=$((tx1 - LAB_FLOOD_TX0))
    printf '%s\n' "$LAB_FLOOD_SENT"
}

lab_atk_tx() {
    # /sys shows the namespace of whoever mounted it: ip netns exec mounts the attacker's.
    ip netns exec "$LAB_ATK" cat "/sys/class/net/$LAB_ATK_IF/statistics/tx_packets"
}

lab_synrecv_sampler_start() {
    local port="${1:?lab_synrecv_sampler_start PORT FILE}" file="${2:?}"
    [[ -z "${LAB_SYNRECV_PID:-}" ]] || _lab_die "a SYN-RECV sampler is already running"
    LAB_SYNRECV_FILE="$file"
    : >"$file"
    # One shell inside the namespace (no ip netns exec per sample); bounded to 10 minutes.
    # shellcheck disable=SC2016 # expanded by the inner shell
    timeout -k 2 600 ip netns exec "$LAB_SRV" bash -c '
        while :; do
            ss -Htan state syn-recv "( sport = :$0 )" | wc -l
            sleep 0.1
        done' "$port" >"$file" 2>/dev/null </dev/null &
    LAB_SYNRECV_PID=$!
    lab_register_pid "$LAB_SYNRECV_PID"
}

lab_synrecv_sampler_stop() {
    [[ -n "${LAB_SYNRECV_PID:-}" ]] || _lab_die "lab_synrecv_sampler_stop: no sampler"
    lab_stop_pid "$LAB_SYNRECV_PID"
    LAB_SYNRECV_PID=""
    # An if, not "m = a > m ? a : m": mawk can read a bare ">" there as a redirection.
    read -r LAB_SYNRECV_MAX LAB_SYNRECV_SAMPLES < <(awk '{ if ($1 + 0 > m) m = $1 + 0; n++ }
        END { print m + 0, n + 0 }' "$LAB_SYNRECV_FILE")
    printf '%s %s\n' "$LAB_SYNRECV_MAX" "$LAB_SYNRECV_SAMPLES"
}

# ---------------------------------------------------------------- additions: spoofed IPv6 sources
# (tests/bench/memory.sh). Additive: nothing above calls these, and lab_up is unchanged.
#
#   lab_spoof6_up                     route LAB_SPOOF_NET6 (2001:db8:ffff::/48) from the server to the
#                                     attacker, which drops it at prerouting, as lab_up does for
#                                     LAB_SPOOF_NET: the server's answers to spoofed IPv6 sources
#                                     leave it (seen on br0) and die in the attacker, with no
#                                     neighbour discovery (the attacker's entry is static) and no
#                                     "no route" drops inside the server
#   lab_flood6_bg_start COUNT SECONDS [DPORT] [SOURCE_BITS]
#                                     trafgen -P1 in the background: IPv6 SYNs to [LAB_SRV_IP6]:DPORT
#                                     (default 80), each from a random address of LAB_SPOOF_NET6, as
#                                     fast as the lab goes; bounded by COUNT and by SECONDS (timeout);
#                                     sets LAB_FLOOD_PID, so lab_flood_bg_stop stops and counts it.
#                                     SOURCE_BITS 80 (default): 80 random bits, practically every
#                                     source distinct; 17..24: a pool of 2^SOURCE_BITS sources
#                                     (2001:db8:ffff::N, N = a counter byte cycling through
#                                     2^(SOURCE_BITS-16) values, then 16 random bits), which repeat

LAB_SPOOF_NET6=2001:db8:ffff::/48
export LAB_SPOOF_NET6

lab_spoof6_up() {
    [[ "$LAB_UP" -eq 1 ]] || _lab_die "lab_spoof6_up: lab_up first"
    ip -n "$LAB_SRV" -6 route replace "$LAB_SPOOF_NET6" via "$LAB_ATK_IP6" dev "$LAB_IF" ||
        _lab_die "route $LAB_SPOOF_NET6 in the server ns failed"
    # lab_up made table inet sglab with chain spoofed_in in the attacker: one more rule in it.
    ip netns exec "$LAB_ATK" nft add rule inet sglab spoofed_in ip6 daddr "$LAB_SPOOF_NET6" counter drop ||
        _lab_die "nft rule for $LAB_SPOOF_NET6 in $LAB_ATK failed"
}

# trafgen config: Ethernet, IPv6 (payload 24, TCP, hop limit 64), source 2001:db8:ffff: + 10 bytes
# (SOURCE_BITS above), destination LAB_SRV_IP6; TCP SYN from a random port with a random ISN, MSS
# 1440.
_lab_trafgen6_cfg() {
    local dport="$1" bits="$2" f smac dmac dst src
    f="$LAB_DIR/syn6-$dport-$bits.trafgen"
    if [[ "$bits" == 80 ]]; then
        src="drnd(10)"
    elif [[ "$bits" =~ ^[0-9]+$ && "$bits" -ge 17 && "$bits" -le 24 ]]; then
        src="0, 0, 0, 0, 0, 0, 0, dinc(0, $(((1 << (bits - 16)) - 1))), drnd(2)"
    else
        _lab_die "SOURCE_BITS: 80, or 17..24 (got $bits)"
    fi
    dmac="$(echo "$LAB_SRV_MAC" | sed 's/^/0x/; s/:/, 0x/g')"
    smac="$(echo "$LAB_ATK_MAC" | sed 's/^/0x/; s/:/, 0x/g')"
    dst="$(python3 -c 'import ipaddress, sys; print(", ".join(str(b) for b in ipaddress.ip_address(sys.argv[1]).packed))' \
        "$LAB_SRV_IP6")" || _lab_die "cannot parse $LAB_SRV_IP6"
    cat >"$f" <<EOF6
{
  $dmac, $smac, 0x86, 0xdd,
  0x60, 0x00, 0x00, 0x00, 0x00, 24, 6, 64,
  0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, $src,
  $dst,
  drnd(2), $((dport >> 8)), $((dport & 255)), drnd(4), 0x00, 0x00, 0x00, 0x00,
  0x60, 0x02, 0xfa, 0xf0, csumtcp6(14, 54), 0x00, 0x00,
  0x02, 0x04, 0x05, 0xa0,
}
EOF6
    printf '%s\n' "$f"
}

lab_flood6_bg_start() {
    local count="${1:?lab_flood6_bg_start COUNT SECONDS [DPORT] [SOURCE_BITS]}" secs="${2:?}" dport="${3:-80}"
    local bits="${4:-80}" cfg
    command -v trafgen >/dev/null || _lab_die "trafgen (netsniff-ng) not installed"
    [[ "$LAB_SPOOF_NET6" == 2001:db8:ffff::/48 ]] || _lab_die "the trafgen config writes 2001:db8:ffff::/48 sources"
    [[ -z "${LAB_FLOOD_PID:-}" ]] || _lab_die "a background flood is already running (pid $LAB_FLOOD_PID)"
    cfg="$(_lab_trafgen6_cfg "$dport" "$bits")"
    LAB_FLOOD_TX0="$(lab_atk_tx)"
    timeout -k 3 "$secs" ip netns exec "$LAB_ATK" trafgen -o "$LAB_ATK_IF" -c "$cfg" -n "$count" -P1 \
        >"$LAB_DIR/trafgen6.out" 2>&1 </dev/null &
    LAB_FLOOD_PID=$!
    lab_register_pid "$LAB_FLOOD_PID"
}
