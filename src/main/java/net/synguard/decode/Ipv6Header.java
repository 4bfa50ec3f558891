package net.synguard.decode;

/**
 * IPv6 fixed header, RFC 8200 section 3.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version| Traffic Class |           Flow Label                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Payload Length        |  Next Header  |   Hop Limit   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * +                         Source Address                        +
 * |                          (16 bytes)                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * +                      Destination Address                      +
 * |                          (16 bytes)                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
final class Ipv6Header {
    static final int PAYLOAD_LENGTH_OFFSET = 4;
    static final int NEXT_HEADER_OFFSET = 6;
    static final int HOP_LIMIT_OFFSET = 7;
    static final int SOURCE_OFFSET = 8;
    static final int DESTINATION_OFFSET = 24;
    static final int LENGTH = 40;

    private Ipv6Header() {}

    /**
     * Checks the fixed header at {@code offset}, fills addresses and hop limit, then walks the
     * extension headers to TCP.
     */
    static DecodeOutcome decode(byte[] frame, int offset, int end, TcpSegment out) {
        if (end - offset < LENGTH) {
            return DecodeOutcome.IPV6_TRUNCATED;
        }
        if (Bytes.u8(frame, offset) >>> 4 != 6) {
            return DecodeOutcome.IP_BAD_VERSION;
        }
        // Zero means a Jumbo Payload option follows (RFC 2675) or, in captures on the sending
        // host, a BIG TCP super-packet; neither is a handshake segment, and trusting either
        // length would let a forged packet claim any size.
        int payloadLength = Bytes.u16(frame, offset + PAYLOAD_LENGTH_OFFSET);
        if (payloadLength == 0) {
            return DecodeOutcome.IPV6_BAD_PAYLOAD_LENGTH;
        }
        out.ipVersion = 6;
        out.ttl = Bytes.u8(frame, offset + HOP_LIMIT_OFFSET);
        out.srcHi = Bytes.i64(frame, offset + SOURCE_OFFSET);
        out.srcLo = Bytes.i64(frame, offset + SOURCE_OFFSET + 8);
        out.dstHi = Bytes.i64(frame, offset + DESTINATION_OFFSET);
        out.dstLo = Bytes.i64(frame, offset + DESTINATION_OFFSET + 8);
        out.l3Offset = offset;
        int datagramEnd = offset + LENGTH + payloadLength;
        DecodeOutcome walked = Ipv6ExtensionHeaders.walk(
                frame, Bytes.u8(frame, offset + NEXT_HEADER_OFFSET), offset + LENGTH, end, datagramEnd, out);
        if (walked != DecodeOutcome.DECODED) {
            return walked;
        }
        return TcpHeader.decode(frame, out.l4Offset, end, out);
    }
}
