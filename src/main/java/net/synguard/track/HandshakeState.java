package net.synguard.track;

/**
 * The state of a half-open handshake, as an int so the table stores it in a few bits.
 *
 * <p>{@link #SYN_ACK_SEEN} is what the kernel calls SYN_RECV (RFC 9293 section 3.3.2: SYN-RECEIVED):
 * the listener answered and holds a request socket until the ACK comes or its SYN-ACK retries run
 * out ({@code net/ipv4/inet_connection_sock.c}, {@code reqsk_timer_handler}). {@link #SYN_SEEN} has
 * no kernel counterpart: only the client's SYN was seen, because the server has not answered yet,
 * dropped the SYN (backlog full, port filtered), or its answer took a path the capture does not see.
 */
public final class HandshakeState {
    /** Only the client's SYN was seen. */
    public static final int SYN_SEEN = 1;
    /** The server answered with a SYN-ACK; waiting for the client's ACK. */
    public static final int SYN_ACK_SEEN = 2;

    private HandshakeState() {}

    /** The snake_case name for summaries and status output. */
    public static String name(int state) {
        return switch (state) {
            case SYN_SEEN -> "syn_seen";
            case SYN_ACK_SEEN -> "syn_ack_seen";
            default -> "unknown(" + state + ")";
        };
    }
}
