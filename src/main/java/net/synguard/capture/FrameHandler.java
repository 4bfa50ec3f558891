package net.synguard.capture;

/**
 * Receives each captured frame. The array is owned by the source and may be reused for the next
 * frame: a handler that keeps bytes beyond the call must copy them.
 */
@FunctionalInterface
public interface FrameHandler {
    /**
     * @param frame the frame's bytes from index 0 (link-layer header first)
     * @param capturedLength bytes of {@code frame} that hold the frame (the snap length may cut it)
     * @param timestampNs capture time in nanoseconds since the Unix epoch
     */
    void onFrame(byte[] frame, int capturedLength, long timestampNs);

    /**
     * No frame arrived for a read timeout (live capture only): packet time should move on to
     * {@code nowNs} so that rates decay and timeouts fire on a silent wire.
     */
    default void onIdle(long nowNs) {}

    /**
     * The source has no more frames at hand for now (a live capture's buffer is empty, before it
     * waits for the wire): a handler that holds frames back must process them now.
     */
    default void onDrained() {}
}
