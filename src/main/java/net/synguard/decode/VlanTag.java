package net.synguard.decode;

/**
 * The rest of an IEEE 802.1Q tag after its Tag Protocol Identifier, which sits where the EtherType
 * would be. The offsets below are relative to the byte after the TPID.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | TPID (0x8100, 0x88A8, 0x9100) | PCP |D|        VLAN ID        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   encapsulated EtherType      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * QinQ puts an S-tag (802.1ad, TPID 0x88A8; 0x9100 on pre-standard gear) before the C-tag
 * (0x8100). Any of the three is accepted at either position: the order tells us nothing about
 * whether the TCP inside is a SYN, and switches disagree about it in practice.
 */
final class VlanTag {
    static final int TCI_OFFSET = 0;
    static final int ENCAPSULATED_TYPE_OFFSET = 2;
    static final int LENGTH = 4;
    static final int VLAN_ID_MASK = 0x0FFF;
    static final int MAX_TAGS = 2;

    static final int TPID_CUSTOMER = 0x8100;
    static final int TPID_SERVICE = 0x88A8;
    static final int TPID_SERVICE_LEGACY = 0x9100;

    private VlanTag() {}

    static boolean isTagProtocolId(int etherType) {
        return etherType == TPID_CUSTOMER || etherType == TPID_SERVICE || etherType == TPID_SERVICE_LEGACY;
    }

    /** VID 0 is a priority-only tag (802.1Q section 9.6): reported as 0, not as untagged. */
    static int vlanId(byte[] frame, int tagOffset) {
        return Bytes.u16(frame, tagOffset + TCI_OFFSET) & VLAN_ID_MASK;
    }
}
