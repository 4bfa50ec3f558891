package net.synguard.track;

/** Why a half-open entry left the table, as passed to {@link HandshakeListener#closed}. */
public final class Closure {
    /** The client acknowledged the server's SYN-ACK: the three-way handshake is complete. */
    public static final int COMPLETED = 1;
    /** The server answered with a valid RST: nothing listens there, or the listener gave up. */
    public static final int REFUSED = 2;
    /** The client sent a valid RST or FIN before the handshake completed. */
    public static final int ABORTED = 3;
    /** The half-open timeout passed in packet time (the kernel's request socket would be gone). */
    public static final int EXPIRED = 4;
    /** Pushed out of a full bucket by a newer SYN: the table's memory bound at work. */
    public static final int EVICTED = 5;
    /** A SYN on the same four-tuple with a different ISN started a new attempt. */
    public static final int REPLACED = 6;

    private Closure() {}

    /** The snake_case name for summaries and status output. */
    public static String name(int closure) {
        return switch (closure) {
            case COMPLETED -> "completed";
            case REFUSED -> "refused";
            case ABORTED -> "aborted";
            case EXPIRED -> "expired";
            case EVICTED -> "evicted";
            case REPLACED -> "replaced";
            default -> "unknown(" + closure + ")";
        };
    }
}
