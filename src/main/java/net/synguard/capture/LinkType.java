package net.synguard.capture;

/** The libpcap link-layer header types (DLT_ values) the decoder understands. */
public final class LinkType {
    /** DLT_EN10MB: Ethernet II, with 802.1Q and QinQ tags. */
    public static final int ETHERNET = 1;
    /** DLT_RAW as libpcap maps it on Linux (LINKTYPE_RAW): a bare IPv4 or IPv6 packet. */
    public static final int RAW = 101;
    /** DLT_RAW's other number, seen in older files. */
    public static final int RAW_OLD = 12;
    /** DLT_LINUX_SLL: "any" interface captures, a 16-byte cooked header. */
    public static final int LINUX_SLL = 113;

    private LinkType() {}

    /** A name for summaries. */
    public static String name(int linkType) {
        return switch (linkType) {
            case ETHERNET -> "ethernet";
            case RAW, RAW_OLD -> "raw-ip";
            case LINUX_SLL -> "linux-sll";
            default -> "dlt-" + linkType;
        };
    }
}
