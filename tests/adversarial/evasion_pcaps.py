#!/usr/bin/env python3
"""Spoofed SYN floods in the shapes an attacker uses to slip past a SYN-flood defence, one pcap per
variant, for `synguard replay` (tests/e2e/85-evasion-replay.sh) and for tcpreplay in the namespace
lab (tests/e2e/86-evasion-live.sh).

Prints one line per variant: name, target address, SYNs, frames.

Every variant is COUNT SYNs at RATE per second (packet timestamps) from sources drawn from
--src-net (IPv4) or --src-net6 (IPv6), each source a fresh random address, to --dst (or --dst6)
port --port, unless the variant spreads ports or addresses:

  plain           SYN, MSS option: the reference
  ece_cwr         SYN+ECE+CWR (an ECN-setup SYN, RFC 3168 6.1.1)
  urg             SYN+URG with an urgent pointer
  psh             SYN+PSH
  fin             SYN+FIN (Linux discards it on a listener: tcp_rcv_state_process, TCP_LISTEN)
  data            SYN carrying 512 bytes of payload
  odd_options     unknown option kinds, NOP runs, EOL then trailing bytes, a TFO cookie request
  bad_options     an option whose length runs past the header, and one of length 0/1
  vlan            802.1Q tag (VLAN --vlan)
  qinq            802.1ad outer + 802.1Q inner tag
  ipv4_options    IPv4 header with options (NOP, NOP, Record Route with room for 3 hops)
  frag            IPv4 fragments: the first holds the whole 20-byte TCP header and 8 more bytes
  frag_tiny       IPv4 fragments of 8 bytes: the first holds only the ports and sequence number,
                  the flags arrive in the second (RFC 1858's tiny-fragment attack)
  ipv6            IPv6 SYN (the IPv6 reference)
  ipv6_hbh        IPv6 Hop-by-Hop Options (a PadN) before TCP
  ipv6_dstopt     IPv6 Destination Options before TCP
  ipv6_routing    IPv6 Routing header (type 4, segments left 0: processed and skipped)
  ipv6_chain      Hop-by-Hop, Destination Options, Routing, Destination Options before TCP
  ipv6_frag       IPv6 Fragment header, first fragment with the whole TCP header
  many_ports      one address, destination ports spread over --ports-span ports from --port
  many_addrs      destinations spread over the --addr-span addresses from --dst (same port)

scapy (python3-scapy) builds each variant's packet once; each SYN is that template with a new
source address, source port, sequence number and IP ID, its checksums recomputed and, for the
fragment variants, cut into fragments here (scapy per packet takes about 2 ms; this, 20 us).
Seeded: the same arguments write the same bytes.
"""

import argparse
import ipaddress
import random
import struct
import sys

from scapy.all import (  # noqa: F401 (scapy's layers register on import)
    IP, IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrHopByHop, IPv6ExtHdrRouting,
    IPOption_NOP, IPOption_RR, Dot1AD, Dot1Q, Ether, PadN, Raw, TCP, raw)

VARIANTS = [
    "plain", "ece_cwr", "urg", "psh", "fin", "data", "odd_options", "bad_options", "vlan", "qinq",
    "ipv4_options", "frag", "frag_tiny", "ipv6", "ipv6_hbh", "ipv6_dstopt", "ipv6_routing",
    "ipv6_chain", "ipv6_frag", "many_ports", "many_addrs",
]


def rand_addr(rng, net):
    return net.network_address + rng.randrange(1, net.num_addresses - 1)


def checksum(data):
    if len(data) % 2:
        data += b"\x00"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def template_tcp(variant, dport):
    """The variant's TCP header (and payload), built by scapy once; ports and sequence are patched."""
    mss = [("MSS", 1460)]
    flags = {"ece_cwr": "SEC", "urg": "SU", "psh": "SP", "fin": "SF"}.get(variant, "S")
    tcp = TCP(sport=1024, dport=dport, seq=0, flags=flags, window=64240, options=mss)
    if variant == "urg":
        tcp.urgptr = 1
    if variant == "odd_options":
        # Kinds 77 (unassigned), 253 (experimental), 34 (a Fast Open cookie request), 254; NOP
        # runs; EOL followed by bytes that are not options.
        opts = bytes([2, 4, 5, 0xB4, 1, 1, 1, 77, 6, 1, 2, 3, 4, 253, 4, 0xAB, 0xCD,
                      34, 2, 254, 2, 0, 0x55, 0x66, 0x77])
        opts += b"\x00" * (-len(opts) % 4)
        tcp = TCP(sport=1024, dport=dport, flags="S", window=64240, dataofs=5 + len(opts) // 4) / Raw(opts)
    if variant == "bad_options":
        # MSS, then a window scale option claiming 40 bytes (past the header), then a zero length.
        opts = bytes([2, 4, 5, 0xB4, 3, 40, 7, 1, 0, 0, 0, 0])
        tcp = TCP(sport=1024, dport=dport, flags="S", window=64240, dataofs=5 + len(opts) // 4) / Raw(opts)
    if variant in ("data", "frag", "frag_tiny", "ipv6_frag"):
        tcp = tcp / Raw(bytes(range(256)) * 2 if variant == "data" else b"\x00" * 40)
    return tcp


def template(args, variant):
    """(frame, l3 offset, l4 offset, ipv6?) of the variant's SYN with placeholder source."""
    tcp = template_tcp(variant, args.port)
    eth = Ether(src=args.smac, dst=args.dmac)
    if variant.startswith("ipv6"):
        pad = [PadN(optdata=b"\x00" * 4)]
        ext = {
            "ipv6_hbh": IPv6ExtHdrHopByHop(options=pad),
            "ipv6_dstopt": IPv6ExtHdrDestOpt(options=pad),
            "ipv6_routing": IPv6ExtHdrRouting(type=4, segleft=0, addresses=[args.dst6]),
            "ipv6_chain": IPv6ExtHdrHopByHop(options=pad) / IPv6ExtHdrDestOpt(options=pad)
            / IPv6ExtHdrRouting(type=4, segleft=0, addresses=[args.dst6]) / IPv6ExtHdrDestOpt(options=pad),
        }.get(variant)
        ip = IPv6(src="::", dst=args.dst6, hlim=64)
        pkt = eth / (ip / ext / tcp if ext is not None else ip / tcp)
        l3 = 14
    else:
        ip = IP(src="0.0.0.0", dst=args.dst, ttl=64)
        if variant == "ipv4_options":
            ip.options = [IPOption_NOP(), IPOption_NOP(), IPOption_RR(routers=["0.0.0.0"] * 3)]
        if variant == "vlan":
            pkt = eth / Dot1Q(vlan=args.vlan) / ip / tcp
        elif variant == "qinq":
            pkt = eth / Dot1AD(vlan=args.vlan) / Dot1Q(vlan=args.vlan + 1) / ip / tcp
        else:
            pkt = eth / ip / tcp
        l3 = {"vlan": 18, "qinq": 22}.get(variant, 14)
    frame = bytearray(raw(pkt))
    l4 = len(frame) - len(raw(pkt[TCP]))
    return frame, l3, l4, variant.startswith("ipv6")


def finish_checksums(f, l3, l4, v6):
    """IPv4 header checksum, TCP checksum over the pseudo-header (RFC 9293 3.1, RFC 8200 8.1)."""
    if v6:
        seg_len = 40 + struct.unpack_from("!H", f, l3 + 4)[0] - (l4 - l3)
        pseudo = bytes(f[l3 + 8:l3 + 40]) + struct.pack("!IxxxB", seg_len, 6)
    else:
        f[l3 + 10:l3 + 12] = b"\x00\x00"
        ihl = (f[l3] & 0x0F) * 4
        struct.pack_into("!H", f, l3 + 10, checksum(bytes(f[l3:l3 + ihl])))
        seg_len = struct.unpack_from("!H", f, l3 + 2)[0] - ihl
        pseudo = bytes(f[l3 + 12:l3 + 20]) + struct.pack("!xBH", 6, seg_len)
    f[l4 + 16:l4 + 18] = b"\x00\x00"
    struct.pack_into("!H", f, l4 + 16, checksum(pseudo + bytes(f[l4:l4 + seg_len])))


def fragments4(f, l3, l4, size):
    """An IPv4 datagram cut into fragments of SIZE bytes of payload (RFC 791 3.2)."""
    header, payload = bytes(f[:l4]), bytes(f[l4:])
    ihl = l4 - l3
    out = []
    for off in range(0, len(payload), size):
        part = payload[off:off + size]
        g = bytearray(header + part)
        more = 0x2000 if off + size < len(payload) else 0
        struct.pack_into("!H", g, l3 + 2, ihl + len(part))
        struct.pack_into("!H", g, l3 + 6, more | (off // 8))
        g[l3 + 10:l3 + 12] = b"\x00\x00"
        struct.pack_into("!H", g, l3 + 10, checksum(bytes(g[l3:l4])))
        out.append(bytes(g))
    return out


def fragments6(f, l3, l4, first, ident):
    """An IPv6 packet in two fragments, the first with FIRST bytes of the TCP segment (RFC 8200 4.5)."""
    payload = bytes(f[l4:])
    out = []
    for off, part in ((0, payload[:first]), (first, payload[first:])):
        more = 1 if off == 0 else 0
        g = bytearray(f[:l3 + 40]) + struct.pack("!BBHI", 6, 0, off | more, ident) + part
        g[l3 + 6] = 44
        struct.pack_into("!H", g, l3 + 4, 8 + len(part))
        out.append(bytes(g))
    return out


def frames_for(args, rng, variant, i, tpl):
    f = bytearray(tpl[0])
    l3, l4, v6 = tpl[1], tpl[2], tpl[3]
    if v6:
        f[l3 + 8:l3 + 24] = rand_addr(rng, args.src_net6).packed
    else:
        f[l3 + 12:l3 + 16] = rand_addr(rng, args.src_net).packed
        struct.pack_into("!H", f, l3 + 4, rng.getrandbits(16))
        if variant == "many_addrs":
            f[l3 + 16:l3 + 20] = (ipaddress.ip_address(args.dst) + i % args.addr_span).packed
    struct.pack_into("!H", f, l4, rng.randrange(1024, 65536))
    struct.pack_into("!I", f, l4 + 4, rng.getrandbits(32))
    if variant == "many_ports":
        struct.pack_into("!H", f, l4 + 2, args.port + i % args.ports_span)
    finish_checksums(f, l3, l4, v6)
    if variant in ("frag", "frag_tiny"):
        return fragments4(f, l3, l4, 32 if variant == "frag" else 8)
    if variant == "ipv6_frag":
        return fragments6(f, l3, l4, 32, rng.getrandbits(32))
    return [bytes(f)]


def write_pcap(path, records):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for ts_us, frame in records:
            f.write(struct.pack("<IIII", ts_us // 1000000, ts_us % 1000000, len(frame), len(frame)))
            f.write(frame)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out-dir", default=".", help="one VARIANT.pcap per variant here")
    p.add_argument("--one-file", help="all variants in this one pcap instead, variant k aimed at "
                   "--dst (and --dst6) + k * --addr-span and starting 2 s after variant k-1")
    p.add_argument("--variants", default=",".join(VARIANTS), help="comma-separated, default all")
    p.add_argument("--count", type=int, default=3000, help="SYNs per variant")
    p.add_argument("--rate", type=int, default=10000, help="SYNs per second (timestamps)")
    p.add_argument("--start", type=float, default=1.7e9, help="first timestamp, seconds")
    p.add_argument("--dst", default="198.18.0.1")
    p.add_argument("--dst6", default="2001:db8::1")
    p.add_argument("--port", type=int, default=80)
    p.add_argument("--ports-span", type=int, default=1000)
    p.add_argument("--addr-span", type=int, default=64)
    p.add_argument("--src-net", default="198.19.0.0/16")
    p.add_argument("--src-net6", default="2001:db8:ff00::/40")
    p.add_argument("--smac", default="02:5e:00:00:00:02")
    p.add_argument("--dmac", default="02:5e:00:00:00:01")
    p.add_argument("--vlan", type=int, default=100)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    args.src_net = ipaddress.ip_network(args.src_net)
    args.src_net6 = ipaddress.ip_network(args.src_net6)
    merged = []
    base_dst, base_dst6 = ipaddress.ip_address(args.dst), ipaddress.ip_address(args.dst6)
    for k, variant in enumerate(args.variants.split(",")):
        if variant not in VARIANTS:
            sys.exit(f"unknown variant {variant}; known: {', '.join(VARIANTS)}")
        start = args.start
        if args.one_file:
            # Variant k: its own target (dst + k * addr_span) and its own 2 s of packet time.
            args.dst = str(base_dst + k * args.addr_span)
            args.dst6 = str(base_dst6 + k * args.addr_span)
            start = args.start + 2 * k
        rng = random.Random(f"{args.seed}-{variant}")
        tpl = template(args, variant)
        start_us = int(start * 1e6)
        records = []
        for i in range(args.count):
            ts = start_us + i * 1000000 // args.rate
            for frame in frames_for(args, rng, variant, i, tpl):
                records.append((ts, frame))
        target = args.dst6 if variant.startswith("ipv6") else args.dst
        if args.one_file:
            merged.extend(records)
        else:
            write_pcap(f"{args.out_dir}/{variant}.pcap", records)
        print(f"{variant} {target} {args.count} {len(records)}")
    if args.one_file:
        write_pcap(args.one_file, merged)

if __name__ == "__main__":
    main()
