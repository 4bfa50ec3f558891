package net.synguard.capture;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import net.synguard.time.WallClock;

/**
 * The read loop over libpcap's {@code pcap_next_ex}, called through FFM, for files and live handles
 * alike. Each frame is copied into one reused array and handed over with its timestamp: nothing is
 * allocated per frame.
 *
 * <pre>
 * struct pcap_pkthdr (x86_64 / aarch64 Linux, LP64)
 *   0  struct timeval ts   tv_sec  (long, 8 bytes)
 *   8                      tv_usec (long, 8 bytes; nanoseconds at NANO precision)
 *  16  bpf_u_int32 caplen  bytes present in the capture
 *  20  bpf_u_int32 len     bytes on the wire
 * </pre>
 *
 * pcap_next_ex returns 1 for a frame, 0 when a live handle's read timeout passed with no frame,
 * -1 on an error (pcap_geterr says which: "The interface went down"), -2 at the end of a file or
 * after pcap_breakloop.
 */
@SuppressWarnings("restricted") // FFM is the point here; the launcher grants native access.
final class NextExLoop {
    private static final int HDR_SEC = 0;
    private static final int HDR_FRAC = 8;
    private static final int HDR_CAPLEN = 16;
    /** libpcap's MAXIMUM_SNAPLEN: no frame it returns is longer. */
    static final int MAX_FRAME = 262_144;

    /**
     * All of the address space, to read what libpcap's pointers point at (its header and its frame,
     * valid until the next call) without a segment per frame.
     */
    private static final MemorySegment NATIVE = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private static final int NEXT_TIMEOUT = 0;

    private final LibPcap lib;
    private final MemorySegment handle;
    private final String what;
    private final byte[] frame = new byte[MAX_FRAME];
    private final MemorySegment hdrOut;
    private final MemorySegment dataOut;
    private final SocketWaiter waiter;
    private final int idleMs;
    private volatile boolean stopRequested;

    /** A loop over a file: it ends at the end of the file. */
    NextExLoop(LibPcap lib, MemorySegment handle, Arena arena, String what) {
        this(lib, handle, arena, what, null, 0);
    }

    /**
     * A loop over a live, non-blocking handle: when nothing is there, it waits on {@code waiter} up
     * to {@code idleMs} and, if the wire stayed quiet, calls {@link FrameHandler#onIdle}.
     */
    NextExLoop(LibPcap lib, MemorySegment handle, Arena arena, String what, SocketWaiter waiter, int idleMs) {
        this.lib = lib;
        this.handle = handle;
        this.what = what;
        this.hdrOut = arena.allocate(ADDRESS);
        this.dataOut = arena.allocate(ADDRESS);
        this.waiter = waiter;
        this.idleMs = idleMs;
    }

    void stop() {
        stopRequested = true;
    }

    /** Reads until the end, {@link #stop}, or an error; returns the frames handed over. */
    long run(FrameHandler handler) throws CaptureException {
        long count = 0;
        try {
            while (!stopRequested) {
                int rc = (int) lib.nextEx.invokeExact(handle, hdrOut, dataOut);
                if (rc == LibPcap.NEXT_OK) {
                    // The two pointers are read as plain addresses into one segment spanning memory:
                    // a MemorySegment per pointer (get(ADDRESS)) allocated per frame, and escape
                    // analysis did not remove all of it (young GCs under a flood, JFR).
                    long hdr = hdrOut.get(JAVA_LONG, 0);
                    int caplen = Math.min(NATIVE.get(JAVA_INT, hdr + HDR_CAPLEN), MAX_FRAME);
                    long ns = NATIVE.get(JAVA_LONG, hdr + HDR_SEC) * 1_000_000_000L
                            + NATIVE.get(JAVA_LONG, hdr + HDR_FRAC);
                    MemorySegment.copy(NATIVE, JAVA_BYTE, dataOut.get(JAVA_LONG, 0), frame, 0, caplen);
                    count++;
                    handler.onFrame(frame, caplen, ns);
                } else if (rc == NEXT_TIMEOUT) {
                    handler.onDrained();
                    if (waiter == null || !waiter.await(idleMs)) {
                        handler.onIdle(WallClock.nowNs());
                    }
                } else if (rc == LibPcap.NEXT_EOF) {
                    break;
                } else {
                    MemorySegment err = (MemorySegment) lib.geterr.invokeExact(handle);
                    throw new CaptureException(what + ": read failed after " + count + " frames: "
                            + err.reinterpret(LibPcap.ERRBUF_SIZE).getString(0));
                }
            }
        } catch (CaptureException e) {
            throw e;
        } catch (Throwable t) {
            throw new CaptureException(what + ": processing failed at frame " + count + ": " + t, t);
        }
        return count;
    }
}
