package net.synguard.decode;

import java.util.Locale;

/**
 * What became of one frame, or an anomaly noticed in a frame that was still decoded. Every frame
 * ends in exactly one outcome of group {@link Group#DECODED}, {@link Group#MALFORMED} or
 * {@link Group#SKIPPED}; anomalies come on top of {@link #DECODED}.
 *
 * <p>The declaration order is the order summaries and metrics list them in: keep it stable and add
 * new reasons at the end of their group.
 */
public enum DecodeOutcome {
    DECODED(Group.DECODED),

    // Malformed: the bytes contradict the headers they claim to be.
    /** A null frame, a negative length, or no bytes at all. */
    BAD_FRAME_LENGTH(Group.MALFORMED),
    ETHERNET_TRUNCATED(Group.MALFORMED),
    VLAN_TRUNCATED(Group.MALFORMED),
    /** A third 802.1Q/802.1ad tag: nothing we protect sits behind three tags. */
    TOO_MANY_VLAN_TAGS(Group.MALFORMED),
    SLL_TRUNCATED(Group.MALFORMED),
    /** The IP version nibble does not match the EtherType, or is neither 4 nor 6 on raw IP. */
    IP_BAD_VERSION(Group.MALFORMED),
    IPV4_TRUNCATED(Group.MALFORMED),
    /** IHL below 5 words (RFC 791 section 3.1). */
    IPV4_BAD_IHL(Group.MALFORMED),
    /** Total length smaller than the header itself. */
    IPV4_BAD_TOTAL_LENGTH(Group.MALFORMED),
    /** A first fragment too short to hold the whole TCP header. */
    IPV4_FRAGMENT_TOO_SMALL(Group.MALFORMED),
    IPV6_TRUNCATED(Group.MALFORMED),
    /** Payload length 0: a jumbogram (RFC 2675) or a BIG TCP/GSO artefact; neither is a SYN. */
    IPV6_BAD_PAYLOAD_LENGTH(Group.MALFORMED),
    /** An extension header cut off by the capture. */
    IPV6_EXT_TRUNCATED(Group.MALFORMED),
    /** An extension header that runs past the payload length. */
    IPV6_EXT_BEYOND_PAYLOAD(Group.MALFORMED),
    IPV6_TOO_MANY_EXT_HEADERS(Group.MALFORMED),
    /** Hop-by-Hop Options anywhere but first (RFC 8200 section 4.1; Linux drops these too). */
    IPV6_HOP_BY_HOP_MISPLACED(Group.MALFORMED),
    IPV6_FRAGMENT_TOO_SMALL(Group.MALFORMED),
    /** The IP datagram ends less than 20 bytes after the IP headers: no room for any TCP header. */
    TCP_BEYOND_IP_PAYLOAD(Group.MALFORMED),
    /** The capture ended inside the TCP header (a short snap length or a cut frame). */
    TCP_TRUNCATED(Group.MALFORMED),
    /** Data offset below 5 words, or pointing past the end of the IP datagram. */
    TCP_BAD_DATA_OFFSET(Group.MALFORMED),

    // Skipped: well-formed frames that carry nothing for the handshake tracker.
    UNSUPPORTED_LINK_TYPE(Group.SKIPPED),
    NOT_IP(Group.SKIPPED),
    /** Another transport, IPv6 No Next Header, or an extension header Linux would not walk either. */
    NOT_TCP(Group.SKIPPED),
    /** A fragment with a non-zero offset: its TCP header, if any, was in the first fragment. */
    IPV4_FRAGMENT_TAIL(Group.SKIPPED),
    IPV6_FRAGMENT_TAIL(Group.SKIPPED),
    /** IPsec ESP (RFC 4303): the transport header is encrypted. */
    IPV6_ESP(Group.SKIPPED),

    // Anomalies: the frame was decoded, but is odd in a way worth counting.
    /** An option with a bad length; options before it were read (as Linux's tcp_parse_options). */
    TCP_OPTIONS_MALFORMED(Group.ANOMALY),
    /** A first fragment that held a whole TCP header: legitimate stacks do not fragment SYNs. */
    IP_FIRST_FRAGMENT(Group.ANOMALY);

    /** How outcomes are totalled in summaries and metrics. */
    public enum Group {
        DECODED,
        MALFORMED,
        SKIPPED,
        ANOMALY;

        /** Snake-case name for summaries and metric labels. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Group group;
    private final String label;

    DecodeOutcome(Group group) {
        this.group = group;
        this.label = name().toLowerCase(Locale.ROOT);
    }

    public Group group() {
        return group;
    }

    /** Snake-case name for summaries and metric labels, e.g. {@code too_many_vlan_tags}. */
    public String label() {
        return label;
    }
}
