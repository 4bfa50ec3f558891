package net.synguard.decode;

/**
 * IPv4 header, RFC 791 section 3.1.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version|  IHL  |    DSCP   |ECN|          Total Length         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Identification        |Flags|      Fragment Offset    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Time to Live |    Protocol   |         Header Checksum       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Source Address                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Destination Address                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Options (IHL > 5)                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Options are skipped by IHL without being read: nothing in them changes where TCP starts. The
 * checksum is not verified: with checksum offload the capture sees the value before the NIC fills
 * it in, so it would flag good traffic.
 */
final class Ipv4Header {
    static final int VERSION_IHL_OFFSET = 0;
    static final int TOTAL_LENGTH_OFFSET = 2;
    static final int FLAGS_FRAGMENT_OFFSET = 6;
    static final int TTL_OFFSET = 8;
    static final int PROTOCOL_OFFSET = 9;
    static final int SOURCE_OFFSET = 12;
    static final int DESTINATION_OFFSET = 16;
    static final int MIN_LENGTH = 20;

    /** More Fragments, the low bit of the 3-bit flags field. */
    static final int MF = 0x2000;
    /** Fragment offset in 8-byte units, the low 13 bits. */
    static final int FRAGMENT_OFFSET_MASK = 0x1FFF;

    static final int PROTOCOL_TCP = 6;

    private Ipv4Header() {}

    /**
     * Checks the header at {@code offset} and fills addresses, TTL and offsets; leaves the IP payload
     * length (total length minus header) in {@code out.payloadLength} for {@link TcpHeader}.
     */
    static DecodeOutcome decode(byte[] frame, int offset, int end, TcpSegment out) {
        if (end - offset < MIN_LENGTH) {
            return DecodeOutcome.IPV4_TRUNCATED;
        }
        int versionIhl = Bytes.u8(frame, offset + VERSION_IHL_OFFSET);
        if (versionIhl >>> 4 != 4) {
            return DecodeOutcome.IP_BAD_VERSION;
        }
        int headerLength = (versionIhl & 0x0F) * 4;
        if (headerLength < MIN_LENGTH) {
            return DecodeOutcome.IPV4_BAD_IHL;
        }
        if (end - offset < headerLength) {
            return DecodeOutcome.IPV4_TRUNCATED;
        }
        // A total length beyond the capture is a short snap length, not an error: only the
        // TCP header has to be there. One below the header length can only be a forged packet.
        int totalLength = Bytes.u16(frame, offset + TOTAL_LENGTH_OFFSET);
        if (totalLength < headerLength) {
            return DecodeOutcome.IPV4_BAD_TOTAL_LENGTH;
        }
        if (Bytes.u8(frame, offset + PROTOCOL_OFFSET) != PROTOCOL_TCP) {
            return DecodeOutcome.NOT_TCP;
        }
        // RFC 791 section 3.2: only the fragment at offset 0 carries the TCP header.
        int fragment = Bytes.u16(frame, offset + FLAGS_FRAGMENT_OFFSET);
        if ((fragment & FRAGMENT_OFFSET_MASK) != 0) {
            return DecodeOutcome.IPV4_FRAGMENT_TAIL;
        }
        out.fragmented = (fragment & MF) != 0;
        out.ipVersion = 4;
        out.ttl = Bytes.u8(frame, offset + TTL_OFFSET);
        out.srcHi = TcpSegment.IPV4_MAPPED_HI;
        out.srcLo = TcpSegment.IPV4_MAPPED_MARK | (Bytes.i32(frame, offset + SOURCE_OFFSET) & 0xFFFF_FFFFL);
        out.dstHi = TcpSegment.IPV4_MAPPED_HI;
        out.dstLo = TcpSegment.IPV4_MAPPED_MARK | (Bytes.i32(frame, offset + DESTINATION_OFFSET) & 0xFFFF_FFFFL);
        out.l3Offset = offset;
        out.l4Offset = offset + headerLength;
        out.payloadLength = totalLength - headerLength;
        return TcpHeader.decode(frame, out.l4Offset, end, out);
    }
}
