#!/usr/bin/env python3
"""Audit the SYN-ACKs in a capture: did every one answer a SYN? (stdlib only)

A SYN-cookie responder must never be a reflector: each SYN-ACK it sends from
SERVER:PORT to (addr, port) has to follow a SYN from exactly (addr, port) to
SERVER:PORT. This reads a pcap (Ethernet, IPv4; best taken with a BPF filter
such as "tcp[tcpflags] & tcp-syn != 0": other segments are skipped),
remembers each SYN's (source address, source port), and checks every SYN-ACK
from SERVER:PORT against the SYNs captured before it.

  synack_audit.py FILE --server 198.18.0.1 --port 80 [--spoofed 198.19.0.0/16]
                  [--from UNIX_TS --to UNIX_TS]

stdout: one line of key=value pairs:
  syns            SYNs to SERVER:PORT
  spoofed_syns    of those, from --spoofed
  synacks         SYN-ACKs from SERVER:PORT
  spoofed_synacks of those, to --spoofed
  orphans         SYN-ACKs with no earlier SYN from their destination (the assertion: 0)
  orphans_never   of those, with no such SYN anywhere in the file (not a capture-order effect)
  window_synacks  SYN-ACKs to --spoofed within [--from, --to], and
  window_synack_pps that divided by the window
  window_syns, window_syn_pps: the same for SYNs from --spoofed
stderr: up to 5 orphans, "ts dst:dport" each.
Exit 0 (the caller asserts), 2 on a file it cannot read.
"""

import argparse
import ipaddress
import struct
import sys

from labutil import pcap_records


def frames(path):
    """Yield (timestamp, frame bytes) of a classic pcap file of Ethernet frames."""
    with open(path, "rb") as f:
        yield from pcap_records(f, path, linktype=1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file")
    ap.add_argument("--server", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--spoofed", default="198.19.0.0/16")
    ap.add_argument("--from", dest="t_from", type=float, default=None)
    ap.add_argument("--to", dest="t_to", type=float, default=None)
    a = ap.parse_args()
    server = ipaddress.IPv4Address(a.server).packed
    net = ipaddress.IPv4Network(a.spoofed)
    net_base, net_mask = int(net.network_address), int(net.netmask)
    spoofed = lambda b: (int.from_bytes(b, "big") & net_mask) == net_base
    in_window = lambda ts: (a.t_from is None or ts >= a.t_from) and (a.t_to is None or ts <= a.t_to)

    seen = set()  # (source address bytes, source port) of SYNs to server:port
    syns = spoofed_syns = synacks = spoofed_synacks = 0
    win_syns = win_synacks = 0
    orphans = []  # (ts, dst bytes, dport)
    try:
        for ts, b in frames(a.file):
            off = 14
            if len(b) < 34 or b[12:14] != b"\x08\x00":
                if b[12:14] == b"\x81\x00":  # one VLAN tag
                    off = 18
                    if b[16:18] != b"\x08\x00":
                        continue
                else:
                    continue
            ihl = (b[off] & 0x0F) * 4
            if b[off + 9] != 6 or len(b) < off + ihl + 14:
                continue
            src, dst = b[off + 12:off + 16], b[off + 16:off + 20]
            t = off + ihl
            sport, dport = struct.unpack("!HH", b[t:t + 4])
            flags = b[t + 13]
            syn, ack = flags & 0x02, flags & 0x10
            if not syn:
                continue
            if not ack and dst == server and dport == a.port:
                syns += 1
                seen.add((src, sport))
                if spoofed(src):
                    spoofed_syns += 1
                    if in_window(ts):
                        win_syns += 1
            elif ack and src == server and sport == a.port:
                synacks += 1
                if spoofed(dst):
                    spoofed_synacks += 1
                    if in_window(ts):
                        win_synacks += 1
                if (dst, dport) not in seen:
                    orphans.append((ts, dst, dport))
    except (OSError, ValueError) as e:
        print("synack_audit: %s" % e, file=sys.stderr)
        return 2
    never = sum(1 for _, d, p in orphans if (d, p) not in seen)
    for ts, d, p in orphans[:5]:
        print("orphan SYN-ACK: %.6f -> %s:%d%s" % (ts, ipaddress.IPv4Address(d), p,
                                                   "" if (d, p) in seen else " (no SYN from it at all)"),
              file=sys.stderr)
    span = (a.t_to - a.t_from) if a.t_from is not None and a.t_to is not None and a.t_to > a.t_from else 0.0
    print(" ".join([
        "syns=%d" % syns,
        "spoofed_syns=%d" % spoofed_syns,
        "synacks=%d" % synacks,
        "spoofed_synacks=%d" % spoofed_synacks,
        "orphans=%d" % len(orphans),
        "orphans_never=%d" % never,
        "window_syns=%d" % win_syns,
        "window_syn_pps=%.0f" % (win_syns / span if span else 0.0),
        "window_synacks=%d" % win_synacks,
        "window_synack_pps=%.0f" % (win_synacks / span if span else 0.0),
    ]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
