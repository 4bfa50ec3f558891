package net.synguard.track;

/** What {@link HandshakeTracker#onSegment} made of one segment. */
public final class Outcome {
    /** The segment matched no half-open entry, or failed validation. */
    public static final int NONE = 0;
    /** A SYN that opened a new half-open entry. */
    public static final int SYN_NEW = 1;
    /** A SYN with the ISN of the entry it matched: the client's retransmit. */
    public static final int SYN_RETRANSMIT = 2;
    /** The server's SYN-ACK acknowledging the client's ISN. */
    public static final int SYN_ACK = 3;
    /** The server's SYN-ACK again, same ISN: it retransmits until the ACK comes. */
    public static final int SYN_ACK_RETRANSMIT = 4;
    /** A SYN-ACK that answers no SYN we saw: reflection-flood backscatter, or a lost SYN. */
    public static final int SYN_ACK_UNSOLICITED = 5;
    /** The client's ACK of the SYN-ACK: the handshake completed. */
    public static final int COMPLETED = 6;
    /** A valid RST from the server. */
    public static final int REFUSED = 7;
    /** A valid RST or FIN from the client before the handshake completed. */
    public static final int ABORTED = 8;

    private Outcome() {}

    /** The snake_case name for summaries and status output. */
    public static String name(int outcome) {
        return switch (outcome) {
            case NONE -> "none";
            case SYN_NEW -> "syn_new";
            case SYN_RETRANSMIT -> "syn_retransmit";
            case SYN_ACK -> "syn_ack";
            case SYN_ACK_RETRANSMIT -> "syn_ack_retransmit";
            case SYN_ACK_UNSOLICITED -> "syn_ack_unsolicited";
            case COMPLETED -> "completed";
            case REFUSED -> "refused";
            case ABORTED -> "aborted";
            default -> "unknown(" + outcome + ")";
        };
    }
}
