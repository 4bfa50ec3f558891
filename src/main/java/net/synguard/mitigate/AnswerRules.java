package net.synguard.mitigate;

import net.synguard.decode.Addresses;
import net.synguard.decode.TcpSegment;

/**
 * Which received frames the responder may answer at all: DESIGN.md, "never amplify ... no answers
 * to broadcast, multicast, martian or own addresses". An answer goes to the SYN's source from its
 * destination, so both have to be ordinary unicast; anything else is forged (a reflection attempt
 * aimed at a whole segment) or a packet the kernel itself would drop before TCP saw it.
 *
 * <ol>
 *   <li>The frame is Ethernet: {@code l3Offset == 14 + 4 * vlanCount}. Raw IP and Linux cooked
 *       captures have no link header to turn around, so nothing can be injected back.
 *   <li>Neither MAC is a group address (I/G bit, the low bit of the first octet: multicast and
 *       ff:ff:ff:ff:ff:ff) or all zero. Linux drops TCP in frames that were not addressed to this
 *       host alone ({@code pkt_type != PACKET_HOST} in {@code tcp_v4_rcv}, net/ipv4/tcp_ipv4.c).
 *   <li>IPv4, source and destination: not 0.0.0.0/8 (this network, RFC 1122 3.2.1.3), not
 *       127.0.0.0/8 (loopback: martian on a wire), not 224.0.0.0/4 (multicast), not 240.0.0.0/4
 *       (reserved, which holds 255.255.255.255, the limited broadcast).
 *   <li>IPv6, source and destination: not :: (unspecified), not ::1 (loopback), not ff00::/8
 *       (multicast), not ::ffff:0:0/96 (IPv4-mapped, RFC 4291 2.5.5.2: never on the wire;
 *       {@code tcp_v6_conn_request} drops such SYNs too).
 *   <li>Source and destination address differ (a LAND packet would have us answer ourselves).
 *   <li>Neither port is 0: no real stack sends from or listens on it.
 *   <li>A SYN has neither FIN nor RST set beside it: a Linux listener discards such a segment ({@code
 *       tcp_rcv_state_process}, {@code TCP_LISTEN}: RST first, then {@code if (th->fin) goto
 *       discard}), so no real client sends it and answering it would only cost a SYN-ACK.
 * </ol>
 *
 * Not checked here, because only the caller knows them: that the destination is one of our
 * protected addresses and the source is not one of ours (own addresses, subnet-directed broadcasts
 * of our interfaces), and the per-prefix rate limit.
 */
final class AnswerRules {
    static final int ETHERNET_HEADER_LENGTH = 14;
    static final int VLAN_TAG_LENGTH = 4;

    private AnswerRules() {}

    static boolean answerable(TcpSegment s, byte[] frame) {
        if (frame == null
                || s.l3Offset() != ETHERNET_HEADER_LENGTH + VLAN_TAG_LENGTH * s.vlanCount()
                || frame.length < s.l3Offset()) {
            return false;
        }
        if (!unicastMac(frame, 0) || !unicastMac(frame, 6)) {
            return false;
        }
        if (s.srcPort() == 0 || s.dstPort() == 0) {
            return false;
        }
        if ((s.flags() & TcpSegment.SYN) != 0 && (s.flags() & (TcpSegment.FIN | TcpSegment.RST)) != 0) {
            return false;
        }
        if (s.srcHi() == s.dstHi() && s.srcLo() == s.dstLo()) {
            return false;
        }
        return switch (s.ipVersion()) {
            case 4 -> unicastIpv4((int) s.srcLo()) && unicastIpv4((int) s.dstLo());
            case 6 -> unicastIpv6(s.srcHi(), s.srcLo()) && unicastIpv6(s.dstHi(), s.dstLo());
            default -> false;
        };
    }

    static boolean unicastMac(byte[] frame, int offset) {
        return (frame[offset] & 0x01) == 0 && NetworkOrder.get48(frame, offset) != 0;
    }

    static boolean unicastIpv4(int address) {
        int first = address >>> 24;
        return first != 0 && first != 127 && first < 224;
    }

    static boolean unicastIpv6(long hi, long lo) {
        if (hi == 0 && (lo == 0 || lo == 1)) {
            return false;
        }
        return (hi >>> 56) != 0xFF && !Addresses.isIpv4(hi, lo);
    }
}
