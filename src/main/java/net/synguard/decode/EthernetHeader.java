package net.synguard.decode;

/**
 * Ethernet II header (IEEE 802.3 clause 3.2.6 with the type interpretation of the length field).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  Destination MAC address                      |
 * +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 * |                     Source MAC address                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           EtherType           |  payload (or an 802.1Q tag)   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * No FCS: libpcap hands frames over without it. Values below 0x0600 in the type field are 802.3
 * lengths (LLC frames): not IP, so they fall out as {@link DecodeOutcome#NOT_IP}.
 */
final class EthernetHeader {
    static final int DESTINATION_OFFSET = 0;
    static final int SOURCE_OFFSET = 6;
    static final int ETHER_TYPE_OFFSET = 12;
    static final int LENGTH = 14;

    static final int TYPE_IPV4 = 0x0800;
    static final int TYPE_IPV6 = 0x86DD;

    private EthernetHeader() {}

    static DecodeOutcome decode(byte[] frame, int end, TcpSegment out) {
        if (end < LENGTH) {
            return DecodeOutcome.ETHERNET_TRUNCATED;
        }
        return decodeEtherType(frame, ETHER_TYPE_OFFSET, end, out);
    }

    /**
     * Follows an EtherType at {@code typeOffset} (Ethernet, or the protocol field of a Linux cooked
     * header) through up to {@link VlanTag#MAX_TAGS} VLAN tags to the IP header.
     */
    static DecodeOutcome decodeEtherType(byte[] frame, int typeOffset, int end, TcpSegment out) {
        int type = Bytes.u16(frame, typeOffset);
        int next = typeOffset + 2;
        while (VlanTag.isTagProtocolId(type)) {
            if (out.vlanCount == VlanTag.MAX_TAGS) {
                return DecodeOutcome.TOO_MANY_VLAN_TAGS;
            }
            if (end - next < VlanTag.LENGTH) {
                return DecodeOutcome.VLAN_TRUNCATED;
            }
            if (out.vlanCount == 0) {
                out.outerVlanId = VlanTag.vlanId(frame, next);
            }
            out.vlanCount++;
            type = Bytes.u16(frame, next + VlanTag.ENCAPSULATED_TYPE_OFFSET);
            next += VlanTag.LENGTH;
        }
        return switch (type) {
            case TYPE_IPV4 -> Ipv4Header.decode(frame, next, end, out);
            case TYPE_IPV6 -> Ipv6Header.decode(frame, next, end, out);
            default -> DecodeOutcome.NOT_IP;
        };
    }
}
