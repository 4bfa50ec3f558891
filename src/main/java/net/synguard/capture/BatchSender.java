package net.synguard.capture;

/**
 * A {@link FrameSender} that can take a run of {@link QueuedSender}'s queued frames at once, where
 * one system call ({@code sendmmsg(2)}) can carry them all.
 */
public interface BatchSender extends FrameSender {
    /**
     * Tries each frame in slots {@code [first, first + count)} of {@code ring} once, in order, and
     * returns how many were sent; the others were not (a full socket buffer, the interface gone)
     * and count as failed sends. Never throws, never blocks.
     */
    int sendBatch(SendRing ring, int first, int count);
}
