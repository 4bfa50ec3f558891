#!/usr/bin/env python3
"""One SYN cookie carried across something (a daemon restart), by hand, for the fault tests.

  cookie_probe.py syn IFACE SRC_MAC DST_MAC SRC DST DPORT OUT
      sends a SYN from SRC (an address of this namespace's clients' pool) on IFACE through a
      packet socket (again every second), waits up to 4 s for the SYN-ACK and writes "sport seq
      ack" of it to OUT.
      The kernel of this namespace would answer that SYN-ACK with its own RST: the caller drops
      those in nftables first (a packet socket's frames do not pass netfilter).
  cookie_probe.py rst IFACE SRC_MAC DST_MAC SRC DST DPORT IN [DELTA]
      sends the RST the SYN-SENT side of RFC 9293 3.10.7.3 would: seq = the SYN-ACK's ack (+
      DELTA, to forge a wrong cookie), no ACK bit, from the same source port.

IPv4 only, addresses inside the lab's 198.18.0.0/15; exits 1 when no SYN-ACK came.
"""

import random
import socket
import struct
import sys
import time

ETH_P_IP = 0x0800


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def frame(src_mac, dst_mac, src, dst, sport, dport, seq, ack, flags):
    s, d = socket.inet_aton(src), socket.inet_aton(dst)
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 64240, 0, 0)
    pseudo = s + d + struct.pack("!BBH", 0, socket.IPPROTO_TCP, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), random.randrange(65536), 0x4000, 64, 6, 0, s, d)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    eth = bytes.fromhex(dst_mac.replace(":", "")) + bytes.fromhex(src_mac.replace(":", "")) + struct.pack("!H", ETH_P_IP)
    return eth + ip + tcp


def main():
    mode, iface, src_mac, dst_mac, src, dst, dport, path = sys.argv[1:9]
    dport = int(dport)
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_IP))
    sock.bind((iface, ETH_P_IP))
    if mode == "rst":
        sport, _, ack = (int(x) for x in open(path).read().split())
        delta = int(sys.argv[9]) if len(sys.argv) > 9 else 0
        sock.send(frame(src_mac, dst_mac, src, dst, sport, dport, (ack + delta) & 0xFFFFFFFF, 0, 0x04))
        print(f"rst_sent=1 sport={sport} seq={(ack + delta) & 0xFFFFFFFF}")
        return 0
    sport = random.randrange(20000, 60000)
    syn = frame(src_mac, dst_mac, src, dst, sport, dport, random.randrange(1 << 32), 0, 0x02)
    # Sent again every second, as a stack retransmits its SYN, for a busy responder.
    start = time.monotonic()
    sent = 0
    sock.settimeout(0.2)
    while time.monotonic() < start + 4:
        if time.monotonic() >= start + sent:
            sock.send(syn)
            sent += 1
        try:
            data = sock.recv(2048)
        except socket.timeout:
            continue
        ip = data[14:]
        if len(ip) < 40 or ip[9] != socket.IPPROTO_TCP:
            continue
        ihl = (ip[0] & 0x0F) * 4
        if ip[12:16] != socket.inet_aton(dst) or ip[16:20] != socket.inet_aton(src):
            continue
        tsport, tdport, seq, ack, _, flags = struct.unpack("!HHIIBB", ip[ihl : ihl + 14])
        if tsport == dport and tdport == sport and flags & 0x12 == 0x12:
            with open(path, "w") as f:
                f.write(f"{sport} {seq} {ack}\n")
            print(f"synack=1 sport={sport} seq={seq} ack={ack}")
            return 0
    print("synack=0")
    return 1


if __name__ == "__main__":
    sys.exit(main())
