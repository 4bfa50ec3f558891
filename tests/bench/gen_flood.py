#!/usr/bin/env python3
"""Generate a SYN-flood capture for replay benchmarks (python3 stdlib only).

    tests/bench/gen_flood.py --out /tmp/flood.pcap [--syns 5000000] [--handshakes 5000]
                             [--rate 1000000] [--seed 1] [--start 1700000000]
                             [--sources random|distinct] [--repeat 1] [--block 4096]

Writes a classic pcap (nanosecond magic 0xa1b23c4d, little-endian, DLT_EN10MB)
holding:
  * --syns spoofed SYNs to 198.18.0.1:80 from sources across the whole IPv4
    space (this file is only read, never sent), random source ports and ISNs,
    MSS option, padded to the 60-byte Ethernet minimum. Sources:
      random    (default) drawn uniformly: some repeat (birthday), most do not;
      distinct  source number j is (j * 0x9E3779B1 + seed offset) mod 2^32, a
                bijection of the 32-bit space (an odd multiplier is invertible
                mod 2^32), so up to 2^32 sources are all different and no table
                is needed to prove it. With --repeat K each source sends K SYNs
                (new port and ISN each: K connection attempts), in blocks of
                --block sources: the block's SYNs, then the same sources again,
                K times, so a source's next SYN comes --block SYNs after its
                last (within any first-sight window); --syns / K sources in all;
  * --handshakes completed handshakes (SYN, SYN-ACK with ack = isn+1, ACK with
    ack = server isn+1) from 8 clients in 198.18.0.0/24, spread evenly through
    the flood.
Every frame takes the next time slot at --rate packets per second, so the file
lasts (syns + 3*handshakes) / rate seconds of packet time. Same arguments, same
bytes (seeded random.Random).

Speed: one precomputed 76-byte record (pcap header + frame); per SYN only the
timestamp, source address, source port, ISN and the two checksums change. The
checksums are one's-complement sums, so each is a fixed partial sum of the
constant words plus the changing words (RFC 1071, RFC 1624): no pass over the
header per packet.
"""

import argparse
import random
import struct
import sys
import time

SERVER_IP = 0xC6120001  # 198.18.0.1
SERVER_PORT = 80
CLIENT_BASE = 0xC612000A  # 198.18.0.10 .. .17
N_CLIENTS = 8
SERVER_MAC = bytes.fromhex("020000000001")
CLIENT_MAC = bytes.fromhex("020000000002")

PCAP_MAGIC_NS = 0xA1B23C4D
LINKTYPE_ETHERNET = 1
SNAPLEN = 65535

ETH_LEN = 14
IP_LEN = 20
TCP_LEN = 24  # 20 + MSS option
FRAME_LEN = 60  # 14 + 20 + 24 = 58, padded to the Ethernet minimum
REC_HDR = struct.Struct("<IIII")  # ts_sec, ts_nsec, caplen, origlen
TS = struct.Struct("<II")

# Offsets inside one frame.
OFF_IP = ETH_LEN
OFF_IP_CK = OFF_IP + 10
OFF_TCP = OFF_IP + IP_LEN

SYN, ACK = 0x02, 0x10
TTL = 64
WINDOW = 64240
MSS_OPT = struct.pack(">BBH", 2, 4, 1460)

# The part of a SYN that changes, from the IPv4 checksum to the TCP checksum:
# ip_ck | src_hi src_lo | dst(4, fixed) | sport | dport(fixed) | seq_hi seq_lo |
# ack(4) | offset/flags | window | tcp_ck. Fixed fields are packed as constants.
VARY = struct.Struct(">HHH4sHHHHIHHH")


def fold(s):
    """One's-complement sum folded to 16 bits (RFC 1071)."""
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def words(b):
    return sum(struct.unpack(">%dH" % (len(b) // 2), b))


def ip_header(src, dst, total_len, ident):
    hdr = struct.pack(">BBHHHBBH4s4s", 0x45, 0, total_len, ident, 0, TTL, 6, 0,
                      src.to_bytes(4, "big"), dst.to_bytes(4, "big"))
    ck = 0xFFFF - fold(words(hdr))
    return hdr[:10] + struct.pack(">H", ck) + hdr[12:]


def tcp_segment(src, dst, sport, dport, seq, ack, flags, options=b""):
    hlen = 20 + len(options)
    hdr = struct.pack(">HHIIHHHH", sport, dport, seq, ack, (hlen // 4) << 12 | flags,
                      WINDOW, 0, 0) + options
    pseudo = struct.pack(">4s4sBBH", src.to_bytes(4, "big"), dst.to_bytes(4, "big"), 0, 6, hlen)
    ck = 0xFFFF - fold(words(pseudo) + words(hdr))
    return hdr[:16] + struct.pack(">H", ck) + hdr[18:]


def frame(src_mac, dst_mac, src, dst, sport, dport, seq, ack, flags, options=b""):
    tcp = tcp_segment(src, dst, sport, dport, seq, ack, flags, options)
    ip = ip_header(src, dst, IP_LEN + len(tcp), 0)
    f = dst_mac + src_mac + b"\x08\x00" + ip + tcp
    return f + bytes(max(0, FRAME_LEN - len(f)))


def record(ts_ns, f):
    return REC_HDR.pack(ts_ns // 1_000_000_000, ts_ns % 1_000_000_000, len(f), len(f)) + f


# The distinct-sources bijection: an odd multiplier (2^32 / golden ratio, as in
# Knuth's multiplicative hashing) spreads consecutive source numbers over the
# whole space and their /24 prefixes with them.
DISTINCT_MUL = 0x9E3779B1


def write_capture(out, syns, handshakes, rate, seed, start_s, distinct=False, repeat=1, block=4096):
    rnd = random.Random(seed)
    # The offset comes from its own generator, so that the random mode's draws
    # (and its bytes) are those of earlier versions.
    offset = random.Random(seed ^ 0xD15C).getrandbits(32)
    span = block * repeat
    total = syns + 3 * handshakes
    t0 = start_s * 1_000_000_000

    # The SYN template: source address, port, ISN and checksums are zero in it,
    # so the partial sums below hold only the constant words.
    tmpl = frame(CLIENT_MAC, SERVER_MAC, 0, SERVER_IP, 0, SERVER_PORT, 0, 0, SYN, MSS_OPT)
    ip_hdr0 = bytearray(tmpl[OFF_IP:OFF_IP + IP_LEN])
    ip_hdr0[10:12] = b"\0\0"
    ip_base = words(bytes(ip_hdr0))
    tcp0 = bytearray(tmpl[OFF_TCP:OFF_TCP + TCP_LEN])
    tcp0[16:18] = b"\0\0"
    tcp_base = words(bytes(tcp0)) + words(struct.pack(">IBBH", SERVER_IP, 0, 6, TCP_LEN))
    dst_b = SERVER_IP.to_bytes(4, "big")
    offflags = (TCP_LEN // 4) << 12 | SYN

    rec_len = 16 + FRAME_LEN
    rec_tmpl = REC_HDR.pack(0, 0, FRAME_LEN, FRAME_LEN) + tmpl
    batch = 65536
    buf = bytearray(rec_tmpl * batch)
    mv = memoryview(buf)

    # Handshake k goes after SYN number syn_at[k]: evenly spread.
    every = syns / handshakes if handshakes else 0.0
    next_hs = 0
    next_hs_at = int(every / 2) if handshakes else syns + 1

    getrandbits = rnd.getrandbits
    vary_pack = VARY.pack_into
    ts_pack = TS.pack_into
    pkt = 0
    n_in_buf = 0

    with open(out, "wb") as fh:
        fh.write(struct.pack("<IHHiIII", PCAP_MAGIC_NS, 2, 4, 0, 0, SNAPLEN, LINKTYPE_ETHERNET))

        def flush(n):
            fh.write(mv[:n * rec_len])

        for i in range(syns):
            while i == next_hs_at and next_hs < handshakes:
                # Slow path, a few thousand times: flush, write three exact frames.
                flush(n_in_buf)
                n_in_buf = 0
                c = CLIENT_BASE + next_hs % N_CLIENTS
                cport = 32768 + (next_hs // N_CLIENTS) % 28000
                cisn = getrandbits(32)
                sisn = getrandbits(32)
                opts = MSS_OPT
                hs = (
                    frame(CLIENT_MAC, SERVER_MAC, c, SERVER_IP, cport, SERVER_PORT, cisn, 0, SYN, opts),
                    frame(SERVER_MAC, CLIENT_MAC, SERVER_IP, c, SERVER_PORT, cport, sisn,
                          (cisn + 1) & 0xFFFFFFFF, SYN | ACK, opts),
                    frame(CLIENT_MAC, SERVER_MAC, c, SERVER_IP, cport, SERVER_PORT,
                          (cisn + 1) & 0xFFFFFFFF, (sisn + 1) & 0xFFFFFFFF, ACK),
                )
                for f in hs:
                    fh.write(record(t0 + pkt * 1_000_000_000 // rate, f))
                    pkt += 1
                next_hs += 1
                next_hs_at = int(every / 2 + next_hs * every)

            if distinct:
                j = i // span * block + i % span % block
                src = (j * DISTINCT_MUL + offset) & 0xFFFFFFFF
            else:
                src = getrandbits(32)
            sport = getrandbits(16)
            isn = getrandbits(32)
            s_hi, s_lo = src >> 16, src & 0xFFFF
            q_hi, q_lo = isn >> 16, isn & 0xFFFF
            ipck = ip_base + s_hi + s_lo
            ipck = (ipck & 0xFFFF) + (ipck >> 16)
            ipck = 0xFFFF - ((ipck & 0xFFFF) + (ipck >> 16))
            tck = tcp_base + s_hi + s_lo + sport + q_hi + q_lo
            tck = (tck & 0xFFFF) + (tck >> 16)
            tck = 0xFFFF - ((tck & 0xFFFF) + (tck >> 16))
            off = n_in_buf * rec_len
            # Integer time: exact slot boundaries at any rate, no float drift.
            t = t0 + pkt * 1_000_000_000 // rate
            ts_pack(buf, off, t // 1_000_000_000, t % 1_000_000_000)
            vary_pack(buf, off + 16 + OFF_IP_CK, ipck, s_hi, s_lo, dst_b, sport, SERVER_PORT,
                      q_hi, q_lo, 0, offflags, WINDOW, tck)
            pkt += 1
            n_in_buf += 1
            if n_in_buf == batch:
                flush(n_in_buf)
                n_in_buf = 0
        flush(n_in_buf)
    assert pkt == total, (pkt, total)
    return total


def positive_int(s):
    v = int(s.replace("_", "").replace(",", ""))
    if v < 0:
        raise argparse.ArgumentTypeError("must be >= 0: %s" % s)
    return v


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True, help="pcap file to write")
    ap.add_argument("--syns", type=positive_int, default=5_000_000, help="spoofed SYNs (default 5,000,000)")
    ap.add_argument("--handshakes", type=positive_int, default=5000, help="completed handshakes (default 5000)")
    ap.add_argument("--rate", type=positive_int, default=1_000_000, help="packets per second of packet time (default 1,000,000)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--start", type=int, default=1_700_000_000, help="first timestamp, Unix seconds")
    ap.add_argument("--sources", choices=("random", "distinct"), default="random",
                    help="random: uniform draws (default); distinct: a permutation of the IPv4 space")
    ap.add_argument("--repeat", type=positive_int, default=1,
                    help="distinct only: SYNs per source (default 1)")
    ap.add_argument("--block", type=positive_int, default=4096,
                    help="distinct only: sources per block of repeats (default 4096)")
    a = ap.parse_args(argv)
    distinct = a.sources == "distinct"
    if a.repeat < 1 or a.block < 1:
        ap.error("--repeat and --block must be >= 1")
    if not distinct and a.repeat != 1:
        ap.error("--repeat needs --sources distinct")
    if distinct and (a.syns + a.repeat - 1) // a.repeat > 1 << 32:
        ap.error("--sources distinct: at most 2^32 sources")
    if a.rate == 0:
        ap.error("--rate must be > 0")
    if a.handshakes and a.syns == 0:
        ap.error("--handshakes needs --syns > 0 to spread them through")
    began = time.monotonic()
    n = write_capture(a.out, a.syns, a.handshakes, a.rate, a.seed, a.start, distinct, a.repeat, a.block)
    took = time.monotonic() - began
    what = "%d distinct sources x %d" % ((a.syns + a.repeat - 1) // a.repeat, a.repeat) if distinct else "random sources"
    print("wrote %s: %d packets (%d SYN flood, %s; %d handshakes) in %.1f s, %.2f M packets/s"
          % (a.out, n, a.syns, what, a.handshakes, took, n / took / 1e6 if took else 0), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
