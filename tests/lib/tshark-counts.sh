#!/usr/bin/env bash
# Reference handshake counts for a capture, computed by tshark (Wireshark 4.0).
#
#   tests/lib/tshark-counts.sh FILE.pcap
#
# Prints, in the same "key N" form as `synguard replay`'s stderr summary:
#   syn                     frames with SYN set and ACK clear
#   syn_ack                 frames with SYN and ACK set
#   handshakes_completed    TCP streams whose handshake completed, see below
#   completeness_bits       (diagnostic) streams whose tcp.completeness has SYN|SYN-ACK|ACK
#   ordered_handshakes      (diagnostic) streams where the ordered check alone succeeded
#
# Only real segments count: TCP headers quoted inside ICMP/ICMPv6 errors are
# excluded (tshark dissects them as tcp too; the amp reflection capture has 139
# quoted SYNs that no decoder of the wire should call SYNs).
#
# Why not tcp.completeness alone: in Wireshark 4.0 (epan/dissectors/packet-tcp.c,
# "initialize or move forward the conversation completeness") the bits are
#   1 SYN      a pure SYN as the first segment of a new conversation
#   2 SYN-ACK  any SYN+ACK later in the conversation, either direction
#   4 ACK      any later segment with ACK set, SYN clear and no payload, either
#              direction, including RST+ACK and FIN+ACK
#   8 DATA, 16 FIN (FIN+ACK), 32 RST
# so bit 4 does not mean "the handshake's third segment": a SYN answered by
# RST+ACK reads 1|4|32 = 37 (all of the lucid SynFlood capture), and SYN,
# SYN-ACK, then an RST+ACK would read 1|2|4|32 with no handshake completed;
# the bits also carry no order. A stream therefore counts as completed only when
# tshark's bits say SYN|SYN-ACK|ACK (value & 7 == 7, two-pass so every frame
# carries the stream's final value) AND, in frame order within that tcp.stream:
#   a pure SYN from A (seq x; a retransmitted SYN replaces x),
#   then a SYN+ACK from B back to A with ack == x+1 (seq y),
#   then a segment from A with ACK set, SYN and RST clear, ack == y+1
#   (payload and FIN allowed: RFC 9293 3.5 lets the third segment carry them).
# Each tcp.stream counts at most once.
set -euo pipefail

if [[ $# -ne 1 || ! -r "$1" ]]; then
    echo "usage: $0 FILE.pcap" >&2
    exit 2
fi

# -2: two passes, so tcp.completeness is the conversation's final value on every
# frame. -n: no name resolution (speed, and no DNS from CI). occurrence=f: first
# occurrence of each field, in case a frame nests two TCP headers.
tshark -n -2 -r "$1" -Y 'tcp && !icmp && !icmpv6' -T fields \
    -E separator=/t -E occurrence=f \
    -e tcp.stream -e tcp.flags -e tcp.completeness \
    -e ip.src -e ipv6.src -e tcp.srcport -e tcp.seq_raw -e tcp.ack_raw \
    2>/dev/null |
awk -F'\t' '
    # mawk (Debian default awk) has no strtonum or bitwise ops: parse hex by hand.
    function hex(s,    i, c, v) {
        v = 0
        s = tolower(s)
        sub(/^0x/, "", s)
        for (i = 1; i <= length(s); i++) {
            c = index("0123456789abcdef", substr(s, i, 1)) - 1
            v = v * 16 + c
        }
        return v
    }
    function bit(v, b) { return int(v / b) % 2 }
    function plus1(n) { return (n + 1) % 4294967296 }
    {
        st = $1; flags = hex($2); comp[st] = $3 + 0
        ep = ($4 != "" ? $4 : $5) "|" $6
        seq = $7 + 0; ack = $8 + 0
        is_syn = bit(flags, 2); is_ack = bit(flags, 16); is_rst = bit(flags, 4)

        if (is_syn && !is_ack) {
            syn++
            if (!(st in done)) { client[st] = ep; synseq[st] = seq; state[st] = 1 }
        } else if (is_syn && is_ack) {
            synack++
            if (state[st] >= 1 && !(st in done) && ep != client[st] && ack == plus1(synseq[st])) {
                state[st] = 2; srvseq[st] = seq
            }
        } else if (is_ack && !is_rst && state[st] == 2 && !(st in done) \
                   && ep == client[st] && ack == plus1(srvseq[st])) {
            done[st] = 1
        }
    }
    END {
        for (st in comp) if (comp[st] % 8 == 7) { bits++; if (st in done) both++ }
        for (st in done) ordered++
        printf "syn %d\nsyn_ack %d\nhandshakes_completed %d\n", syn, synack, both
        printf "completeness_bits %d\nordered_handshakes %d\n", bits, ordered
    }'
