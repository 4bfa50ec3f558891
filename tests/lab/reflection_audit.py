#!/usr/bin/env python3
"""What the server sent to a set of (spoofed or real) client addresses, from a capture on br0
(stdlib only; for tests/e2e/82-forgery.sh and 83-reflection.sh).

  reflection_audit.py CAPTURE --server 198.18.0.1 --port 80 --clients 198.19.9.0/24 [--window 3]

Counts, for client addresses in --clients: the SYNs they "sent" to the server's port (frames,
bytes) and the SYN-ACKs the server sent them (frames, bytes), and prints one line of key=value:

  syns syn_bytes synacks synack_bytes bytes_ratio (synack_bytes / syn_bytes)
  answered_ratio    synack bytes per byte of the SYNs answered (one SYN-ACK per SYN: its size
                    over the SYN's)
  excess            SYN-ACKs beyond the number of SYNs seen before them for the same address and
                    port (an answer to no SYN, or a second answer to one): 0 for "at most one per SYN"
  kernel_synacks    SYN-ACKs whose ACK is the ISN + 1 of the same port's SYN: the kernel's own
                    answers (the responder's retry SYN-ACK carries a cookie there instead)
  max_per_s         most SYN-ACKs to the clients in any one-second sliding window
  max_per_window    most SYN-ACKs to one client address in any sliding window of --window seconds
                    (both in the times of the SYNs they answer: the responder's own clock, packet
                    time, which the rate caps and the back-off run on; wire times add jitter)
  answer_delay_max_ms  the longest time from a SYN to its SYN-ACK on the wire
  span_s            first to last SYN
"""

import argparse
import collections
import ipaddress
import socket
import struct
import sys

from labutil import pcap_records


def frames(path):
    with open(path, "rb") as f:
        for ts, b in pcap_records(f):
            if len(b) < 54 or b[12:14] != b"\x08\x00" or b[23] != 6:
                continue
            ihl = (b[14] & 0x0F) * 4
            t = 14 + ihl
            if len(b) < t + 14:
                continue
            src, dst = b[26:30], b[30:34]
            sport, dport, seq, ack = struct.unpack("!HHII", b[t : t + 12])
            flags = b[t + 13]
            wire = struct.unpack("!H", b[16:18])[0] + 14  # IP total length: pad-free frame size
            yield ts, src, dst, sport, dport, seq, ack, flags, wire


def sliding_max(times, width):
    best, lo = 0, 0
    for hi, t in enumerate(times):
        while t - times[lo] >= width:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


def main():
    p = argparse.ArgumentParser()
    p.add_argument("capture")
    p.add_argument("--server", required=True)
    p.add_argument("--port", type=int, default=80)
    p.add_argument("--clients", required=True)
    p.add_argument("--window", type=float, default=3.0)
    a = p.parse_args()
    server = socket.inet_aton(a.server)
    net = ipaddress.ip_network(a.clients)
    inside = lambda addr: ipaddress.IPv4Address(addr) in net

    syns = syn_bytes = synacks = synack_bytes = excess = kernel = answered_bytes = 0
    seen = collections.Counter()  # (addr, port) -> SYNs seen so far
    answered = collections.Counter()  # (addr, port) -> SYN-ACKs so far
    isn = {}  # (addr, port) -> the last SYN's ISN and size
    syn_times, synack_times = [], []
    delay = 0.0
    per_client = collections.defaultdict(list)
    for ts, src, dst, sport, dport, seq, ack, flags, wire in frames(a.capture):
        syn, is_ack = flags & 0x02, flags & 0x10
        if syn and not is_ack and dst == server and dport == a.port and inside(src):
            syns += 1
            syn_bytes += wire
            seen[(src, sport)] += 1
            isn[(src, sport)] = (seq, wire, ts)
            syn_times.append(ts)
        elif syn and is_ack and src == server and sport == a.port and inside(dst):
            key = (dst, dport)
            synacks += 1
            synack_bytes += wire
            answered[key] += 1
            if answered[key] > seen[key]:
                excess += 1
            syn_ts = ts
            if key in isn:
                answered_bytes += isn[key][1]
                if ack == (isn[key][0] + 1) & 0xFFFFFFFF:
                    kernel += 1
                syn_ts = isn[key][2]
                delay = max(delay, ts - syn_ts)
            synack_times.append(syn_ts)
            per_client[dst].append(syn_ts)
    span = syn_times[-1] - syn_times[0] if len(syn_times) > 1 else 0.0
    out = {
        "syns": syns,
        "syn_bytes": syn_bytes,
        "synacks": synacks,
        "synack_bytes": synack_bytes,
        "bytes_ratio": "%.6f" % (synack_bytes / syn_bytes if syn_bytes else 0.0),
        "answered_ratio": "%.4f" % (synack_bytes / answered_bytes if answered_bytes else 0.0),
        "excess": excess,
        "kernel_synacks": kernel,
        "max_per_s": sliding_max(sorted(synack_times), 1.0),
        "max_per_window": max((sliding_max(sorted(v), a.window) for v in per_client.values()), default=0),
        "clients_answered": len(per_client),
        "answer_delay_max_ms": "%.1f" % (delay * 1000),
        "span_s": "%.3f" % span,
    }
    print(" ".join("%s=%s" % kv for kv in out.items()))


if __name__ == "__main__":
    sys.exit(main())
