#!/usr/bin/env python3
"""Writes the Jazzer regression inputs for net.synguard.decode.FrameDecoderFuzzTest.

Real frames come from tests/captures (one of each kind that occurs there); frames the captures do
not have (VLAN, QinQ, IPv6 with extension headers, fragments, Linux cooked, raw IP) are built here.
Run from the repository root: python3 tests/tools/extract_fuzz_seeds.py
"""
import os
import struct

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CAPTURES = os.path.join(ROOT, "tests", "captures")
OUT = os.path.join(ROOT, "src", "test", "resources", "net", "synguard", "decode", "FrameDecoderFuzzTestInputs")


def frames(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    at = 24
    while at + 16 <= len(data):
        _, _, caplen, _ = struct.unpack(endian + "IIII", data[at:at + 16])
        yield data[at + 16:at + 16 + caplen]
        at += 16 + caplen


def kind(frame):
    """A coarse label: what makes a frame different for the decoder."""
    ethertype = struct.unpack(">H", frame[12:14])[0]
    if ethertype != 0x0800:
        return "eth-%04x" % ethertype
    ip = frame[14:]
    ihl = (ip[0] & 0x0F) * 4
    proto = ip[9]
    frag = struct.unpack(">H", ip[6:8])[0]
    if frag & 0x3FFF:
        return "ipv4-frag-%s-%s" % (proto, "tail" if frag & 0x1FFF else "first")
    if proto != 6:
        return "ipv4-proto-%d" % proto
    tcp = ip[ihl:]
    flags = tcp[13]
    names = "".join(n for bit, n in ((0x02, "S"), (0x10, "A"), (0x04, "R"), (0x01, "F"), (0x08, "P")) if flags & bit)
    optlen = (tcp[12] >> 4) * 4 - 20
    return "tcp-%s-opt%d%s" % (names, optlen, "-ipopt" if ihl > 20 else "")


def ipv4(proto, payload, frag=0, ttl=64, src=b"\xc6\x33\x64\x07", dst=b"\xc0\x00\x02\x0a", options=b""):
    header = 20 + len(options)
    return struct.pack(">BBHHHBBH4s4s", 0x40 | header // 4, 0, header + len(payload), 0x4242, frag, ttl, proto, 0,
                       src, dst) + options + payload


def ipv6(next_header, payload, plen=None):
    plen = len(payload) if plen is None else plen
    src = bytes.fromhex("20010db8000000000000000000000007")
    dst = bytes.fromhex("20010db800000000000000000000000a")
    return struct.pack(">IHBB", 0x60000000, plen, next_header, 64) + src + dst + payload


def tcp(flags=0x02, options=b"", payload=b""):
    options += b"\x00" * (-len(options) % 4)
    offset = (20 + len(options)) // 4
    return struct.pack(">HHIIBBHHH", 40000, 80, 0x12345678, 0, offset << 4, flags, 64240, 0, 0) + options + payload


def ext(next_header, length_units=0):
    return bytes([next_header, length_units, 1, 4 + 8 * length_units]) + b"\x00" * (4 + 8 * length_units)


def fragment(next_header, offset_units, more):
    return struct.pack(">BBHI", next_header, 0, (offset_units << 3) | int(more), 0x1234)


ETH = bytes.fromhex("020000000001020000000002")
LINUX_SYN_OPTIONS = bytes.fromhex("020405b40402080a00000001000000000103030701")


def handmade():
    syn4 = ipv4(6, tcp(options=LINUX_SYN_OPTIONS))
    syn6 = ipv6(6, tcp(options=LINUX_SYN_OPTIONS))
    return {
        "vlan-syn": ETH + bytes.fromhex("81000064") + b"\x08\x00" + syn4,
        "qinq-syn": ETH + bytes.fromhex("88a80064810000c80800") + syn4,
        "qinq9100-syn6": ETH + bytes.fromhex("9100000781000008") + b"\x86\xdd" + syn6,
        "three-tags": ETH + bytes.fromhex("88a8000181000002810000030800") + syn4,
        "ipv6-syn": ETH + b"\x86\xdd" + syn6,
        "ipv6-hbh-dst-rt-syn": ETH + b"\x86\xdd" + ipv6(0, ext(60) + ext(43, 1) + ext(6) + tcp()),
        "ipv6-ah-syn": ETH + b"\x86\xdd" + ipv6(51, bytes([6, 4]) + b"\x00" * 22 + tcp()),
        "ipv6-frag-first-syn": ETH + b"\x86\xdd" + ipv6(44, fragment(6, 0, True) + tcp(payload=b"x" * 8)),
        "ipv6-frag-tail": ETH + b"\x86\xdd" + ipv6(44, fragment(6, 181, False) + b"y" * 16),
        "ipv6-esp": ETH + b"\x86\xdd" + ipv6(50, b"\x00" * 24),
        "ipv6-plen0": ETH + b"\x86\xdd" + ipv6(6, tcp(), plen=0),
        "ipv4-frag-first-syn": ETH + b"\x08\x00" + ipv4(6, tcp(payload=b"x" * 8), frag=0x2000),
        "ipv4-frag-tail-tcp": ETH + b"\x08\x00" + ipv4(6, b"z" * 24, frag=185),
        "ipv4-options-syn": ETH + b"\x08\x00" + ipv4(6, tcp(), options=bytes([7, 7, 4, 0, 0, 0, 0, 1])),
        "syn-bad-options": ETH + b"\x08\x00" + ipv4(6, tcp(options=bytes.fromhex("0206000000000303080101"))),
        "syn-option-len0": ETH + b"\x08\x00" + ipv4(6, tcp(options=bytes.fromhex("02000000"))),
    }


# FuzzedDataProvider inputs: Jazzer consumes integers from the end, the byte array from the start.
# Last byte: link type index (0 Ethernet, 1 Linux SLL, 2 raw, 3 raw-old); the one before: length
# delta + 70.
SLL = bytes.fromhex("0000000100060200000000020000")


def provider(frame, link_index, delta=0):
    return frame + bytes([delta + 70, link_index])


def main():
    eth = os.path.join(OUT, "ethernetFrame")
    anylink = os.path.join(OUT, "anyLinkTypeAndLength")
    os.makedirs(eth, exist_ok=True)
    os.makedirs(anylink, exist_ok=True)
    chosen = {}
    for name in sorted(os.listdir(CAPTURES)):
        if not name.endswith(".pcap"):
            continue
        for frame in frames(os.path.join(CAPTURES, name)):
            label = kind(frame)
            if label not in chosen:
                chosen[label] = (name.split("__")[0].split("_")[0], frame)
    for label, (source, frame) in sorted(chosen.items()):
        with open(os.path.join(eth, "%s-%s" % (source, label)), "wb") as f:
            f.write(frame)
    for label, frame in handmade().items():
        with open(os.path.join(eth, "made-" + label), "wb") as f:
            f.write(frame)
    syn4 = ipv4(6, tcp(options=LINUX_SYN_OPTIONS))
    syn6ext = ipv6(60, ext(6) + tcp(options=LINUX_SYN_OPTIONS))
    seeds = {
        "sll-syn": provider(SLL + b"\x08\x00" + syn4, 1),
        "sll-vlan-syn6": provider(SLL + bytes.fromhex("8100002a86dd") + syn6ext, 1),
        "raw-syn4": provider(syn4, 2),
        "raw-old-syn6-ext": provider(syn6ext, 3),
        "eth-syn-length-short": provider(ETH + b"\x08\x00" + syn4, 0, -10),
        "eth-syn-length-long": provider(ETH + b"\x08\x00" + syn4, 0, 40),
    }
    for label, data in seeds.items():
        with open(os.path.join(anylink, label), "wb") as f:
            f.write(data)
    print("%d Ethernet inputs, %d provider inputs" % (len(os.listdir(eth)), len(os.listdir(anylink))))


if __name__ == "__main__":
    main()
