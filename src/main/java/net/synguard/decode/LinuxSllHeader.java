package net.synguard.decode;

/**
 * Linux "cooked" capture header (LINKTYPE_LINUX_SLL), what libpcap writes for the "any" interface.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Packet type          |     ARPHRD_ type (device)     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Link-layer address length     |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 * |            Link-layer address (first 8 bytes)                 |
 * +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               |      Protocol (EtherType)     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * The packet type (host, broadcast, outgoing, ...) is not used to filter: the tracker wants both
 * directions of a handshake. libpcap re-inserts a stripped VLAN tag after this header, so the
 * protocol field can be a TPID and is followed like an Ethernet EtherType.
 */
final class LinuxSllHeader {
    static final int PACKET_TYPE_OFFSET = 0;
    static final int DEVICE_TYPE_OFFSET = 2;
    static final int ADDRESS_LENGTH_OFFSET = 4;
    static final int ADDRESS_OFFSET = 6;
    static final int PROTOCOL_OFFSET = 14;
    static final int LENGTH = 16;

    private LinuxSllHeader() {}

    static DecodeOutcome decode(byte[] frame, int end, TcpSegment out) {
        if (end < LENGTH) {
            return DecodeOutcome.SLL_TRUNCATED;
        }
        return EthernetHeader.decodeEtherType(frame, PROTOCOL_OFFSET, end, out);
    }
}
