package net.synguard.capture;

import java.sql.Timestamp;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.RawPacketListener;

/**
 * Hands the frames of pcap4j's {@code loop} or {@code dispatch} to a {@link FrameHandler}, for the
 * file and the live source alike. A handler that throws inside the native callback would otherwise
 * vanish into JNA's uncaught-exception handler: the throwable is kept, the loop broken, and
 * {@link #rethrow} reports it from the reading thread.
 */
final class Pcap4jFrames implements RawPacketListener {
    private final PcapHandle handle;
    private final FrameHandler handler;
    private long count;
    private Throwable failure;

    Pcap4jFrames(PcapHandle handle, FrameHandler handler) {
        this.handle = handle;
        this.handler = handler;
    }

    @Override
    public void gotPacket(byte[] frame) {
        try {
            count++;
            handler.onFrame(frame, frame.length, epochNanos(handle.getTimestamp()));
        } catch (Throwable t) {
            failure = t;
            breakQuietly(handle);
        }
    }

    /** Frames handed over so far. */
    long count() {
        return count;
    }

    boolean failed() {
        return failure != null;
    }

    /** Throws what the handler threw, if it did, naming {@code what} and the frame. */
    void rethrow(String what) throws CaptureException {
        if (failure != null) {
            throw new CaptureException(what + ": processing failed at frame " + count + ": " + failure, failure);
        }
    }

    /** pcap4j's per-frame {@code java.sql.Timestamp} (nanosecond precision handles) in epoch ns. */
    static long epochNanos(Timestamp ts) {
        return Math.floorDiv(ts.getTime(), 1000L) * 1_000_000_000L + ts.getNanos();
    }

    static void breakQuietly(PcapHandle handle) {
        try {
            handle.breakLoop();
        } catch (NotOpenException ignored) {
            // Closed already: nothing is running to break.
        }
    }
}
