package net.synguard.capture;

/**
 * Puts a frame on the wire of the interface a capture reads: how the SYN-cookie responder answers
 * on the interface the SYN came in on. Called on the capture thread; never throws for a failed
 * send (a full socket buffer, the interface gone): it says {@code false} and the caller counts it.
 */
@FunctionalInterface
public interface FrameSender {
    /** A sender that sends nothing (no handle open). */
    FrameSender NONE = (frame, length) -> false;

    /** Sends {@code frame[0, length)} as one link-layer frame; {@code false} when it was not sent. */
    boolean send(byte[] frame, int length);
}
