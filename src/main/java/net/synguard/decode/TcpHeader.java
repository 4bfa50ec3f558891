package net.synguard.decode;

/**
 * TCP header, RFC 9293 section 3.1, with the NS bit of RFC 3540 (historic, but floods set it).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Source Port          |       Destination Port        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        Sequence Number                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Acknowledgment Number                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Data |     |N|C|E|U|A|P|R|S|F|                               |
 * | Offset| Rsv |S|W|C|R|C|S|S|Y|I|            Window             |
 * |       |     | |R|E|G|K|H|T|N|N|                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Checksum            |         Urgent Pointer        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 Options (Data Offset > 5)                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * The checksum is not verified (offload, see {@link Ipv4Header}), and the urgent pointer is not read.
 */
final class TcpHeader {
    static final int SOURCE_PORT_OFFSET = 0;
    static final int DESTINATION_PORT_OFFSET = 2;
    static final int SEQUENCE_OFFSET = 4;
    static final int ACKNOWLEDGMENT_OFFSET = 8;
    static final int DATA_OFFSET_OFFSET = 12;
    static final int FLAGS_OFFSET = 13;
    static final int WINDOW_OFFSET = 14;
    static final int MIN_LENGTH = 20;
    /** RFC 3540's NS is the low bit of the data-offset byte; it becomes bit 8 of the flags. */
    static final int NS_BIT = 0x01;

    private TcpHeader() {}

    /**
     * Decodes the header at {@code offset}. On entry {@code out.payloadLength} holds the IP payload
     * length (the IP layer's view of how long the segment is); on success it holds the TCP payload
     * length.
     *
     * <p>The header must fit both the IP datagram and the capture. The datagram is checked first so
     * that a forged length is reported as such whatever the snap length was.
     */
    static DecodeOutcome decode(byte[] frame, int offset, int end, TcpSegment out) {
        int ipPayload = out.payloadLength;
        if (ipPayload < MIN_LENGTH) {
            return out.fragmented ? fragmentTooSmall(out) : DecodeOutcome.TCP_BEYOND_IP_PAYLOAD;
        }
        if (end - offset < MIN_LENGTH) {
            return DecodeOutcome.TCP_TRUNCATED;
        }
        int offsetByte = Bytes.u8(frame, offset + DATA_OFFSET_OFFSET);
        int headerLength = (offsetByte >>> 4) * 4;
        if (headerLength < MIN_LENGTH) {
            return DecodeOutcome.TCP_BAD_DATA_OFFSET;
        }
        if (headerLength > ipPayload) {
            return out.fragmented ? fragmentTooSmall(out) : DecodeOutcome.TCP_BAD_DATA_OFFSET;
        }
        if (headerLength > end - offset) {
            return DecodeOutcome.TCP_TRUNCATED;
        }
        out.srcPort = Bytes.u16(frame, offset + SOURCE_PORT_OFFSET);
        out.dstPort = Bytes.u16(frame, offset + DESTINATION_PORT_OFFSET);
        out.seq = Bytes.i32(frame, offset + SEQUENCE_OFFSET);
        out.ack = Bytes.i32(frame, offset + ACKNOWLEDGMENT_OFFSET);
        out.flags = ((offsetByte & NS_BIT) << 8) | Bytes.u8(frame, offset + FLAGS_OFFSET);
        out.window = Bytes.u16(frame, offset + WINDOW_OFFSET);
        out.headerLength = headerLength;
        out.payloadLength = ipPayload - headerLength;
        TcpOptions.parse(frame, offset + MIN_LENGTH, offset + headerLength, out);
        return DecodeOutcome.DECODED;
    }

    /** RFC 1858 and RFC 8200 section 4.5 want the whole TCP header in the first fragment. */
    private static DecodeOutcome fragmentTooSmall(TcpSegment out) {
        return out.ipVersion == 6 ? DecodeOutcome.IPV6_FRAGMENT_TOO_SMALL : DecodeOutcome.IPV4_FRAGMENT_TOO_SMALL;
    }
}
