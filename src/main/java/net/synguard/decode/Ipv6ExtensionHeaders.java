package net.synguard.decode;

/**
 * The chain of IPv6 extension headers between the fixed header and TCP (RFC 8200 section 4).
 * All but Fragment share the first two bytes:
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Next Header  |  Hdr Ext Len  |   type-specific data ...      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   Hop-by-Hop (0), Routing (43), Destination Options (60):
 *       length = (Hdr Ext Len + 1) * 8            RFC 8200 4.3, 4.4, 4.6
 *   Authentication Header (51):
 *       length = (Payload Len + 2) * 4            RFC 4302 section 2.2
 *
 * Fragment (44), always 8 bytes, RFC 8200 section 4.5:
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Next Header  |   Reserved    |      Fragment Offset    |Res|M|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Identification                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * ESP (50) encrypts what follows and No Next Header (59) ends the chain; any other value is an
 * upper-layer protocol. Linux delivers headers it has no handler for (Mobility 135, HIP 139, ...)
 * to nothing, so treating them as "not TCP" matches what the host itself would do.
 */
final class Ipv6ExtensionHeaders {
    static final int HOP_BY_HOP = 0;
    static final int TCP = 6;
    static final int ROUTING = 43;
    static final int FRAGMENT = 44;
    static final int ESP = 50;
    static final int AUTHENTICATION = 51;
    static final int NO_NEXT_HEADER = 59;
    static final int DESTINATION_OPTIONS = 60;

    static final int NEXT_HEADER_OFFSET = 0;
    static final int LENGTH_OFFSET = 1;
    static final int FRAGMENT_OFFSET_FIELD = 2;
    static final int FRAGMENT_LENGTH = 8;
    /** Fragment offset in 8-byte units, the top 13 bits of the 16-bit field. */
    static final int FRAGMENT_OFFSET_MASK = 0xFFF8;

    static final int MORE_FRAGMENTS = 0x0001;

    /**
     * A bound on the walk so a packet of nothing but empty headers costs little. Real traffic has
     * at most a handful (RFC 8200 section 4.1 recommends each appear once), and RFC 7112 wants
     * the whole chain in the first fragment.
     */
    static final int MAX_HEADERS = 8;

    private Ipv6ExtensionHeaders() {}

    /**
     * Walks from {@code nextHeader} at {@code offset} to the TCP header. On {@link
     * DecodeOutcome#DECODED} sets {@code out.l4Offset} and leaves the bytes from there to the end of
     * the datagram in {@code out.payloadLength}.
     *
     * @param end captured bytes end here
     * @param datagramEnd the payload length ends here (may be beyond {@code end})
     */
    static DecodeOutcome walk(byte[] frame, int nextHeader, int offset, int end, int datagramEnd, TcpSegment out) {
        int header = nextHeader;
        int at = offset;
        for (int count = 0; ; count++) {
            switch (header) {
                case TCP -> {
                    out.l4Offset = at;
                    out.payloadLength = datagramEnd - at;
                    return DecodeOutcome.DECODED;
                }
                case ESP -> {
                    return DecodeOutcome.IPV6_ESP;
                }
                case HOP_BY_HOP, ROUTING, FRAGMENT, AUTHENTICATION, DESTINATION_OPTIONS -> {
                    // walked below
                }
                default -> {
                    return DecodeOutcome.NOT_TCP; // No Next Header, another transport, or unknown
                }
            }
            if (count == MAX_HEADERS) {
                return DecodeOutcome.IPV6_TOO_MANY_EXT_HEADERS;
            }
            if (header == HOP_BY_HOP && count != 0) {
                return DecodeOutcome.IPV6_HOP_BY_HOP_MISPLACED;
            }
            if (datagramEnd - at < 2) {
                return DecodeOutcome.IPV6_EXT_BEYOND_PAYLOAD;
            }
            if (end - at < 2) {
                return DecodeOutcome.IPV6_EXT_TRUNCATED;
            }
            int length = switch (header) {
                case FRAGMENT -> FRAGMENT_LENGTH;
                case AUTHENTICATION -> (Bytes.u8(frame, at + LENGTH_OFFSET) + 2) * 4;
                default -> (Bytes.u8(frame, at + LENGTH_OFFSET) + 1) * 8;
            };
            if (datagramEnd - at < length) {
                return DecodeOutcome.IPV6_EXT_BEYOND_PAYLOAD;
            }
            if (end - at < length) {
                return DecodeOutcome.IPV6_EXT_TRUNCATED;
            }
            if (header == FRAGMENT) {
                int field = Bytes.u16(frame, at + FRAGMENT_OFFSET_FIELD);
                if ((field & FRAGMENT_OFFSET_MASK) != 0) {
                    return DecodeOutcome.IPV6_FRAGMENT_TAIL;
                }
                // Offset 0 with M clear is an atomic fragment (RFC 6946): a whole packet.
                if ((field & MORE_FRAGMENTS) != 0) {
                    out.fragmented = true;
                }
            }
            header = Bytes.u8(frame, at + NEXT_HEADER_OFFSET);
            at += length;
        }
    }
}
