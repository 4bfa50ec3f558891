package net.synguard.capture;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Waits for the capture socket with a timeout, so that a quiet wire still ticks.
 *
 * <p>libpcap's own read timeout cannot be relied on for that: on Linux with TPACKET_V3 it polls
 * with no timeout and waits for the kernel to retire a block, so on an idle interface a blocking
 * read never returns (seen here, shared/notes/capture-speed.md). The handle is put in non-blocking
 * mode instead, and when it has nothing, poll(2) on its selectable descriptor waits up to the tick.
 *
 * <pre>
 * struct pollfd { int fd; short events; short revents; }   8 bytes
 * </pre>
 */
@SuppressWarnings("restricted") // FFM is the point here; the launcher grants native access.
final class SocketWaiter {
    private static final short POLLIN = 1;

    private final LibPcap lib;
    private final MemorySegment pollfd;

    /** Puts {@code handle} in non-blocking mode and prepares to wait on its descriptor. */
    SocketWaiter(LibPcap lib, MemorySegment handle, Arena arena, String what) throws CaptureException {
        this.lib = lib;
        this.pollfd = arena.allocate(8);
        try {
            MemorySegment errbuf = arena.allocate(LibPcap.ERRBUF_SIZE);
            if ((int) lib.setnonblock.invokeExact(handle, 1, errbuf) != 0) {
                throw new CaptureException(what + ": cannot set non-blocking mode: " + errbuf.getString(0));
            }
            int fd = (int) lib.selectableFd.invokeExact(handle);
            if (fd < 0) {
                throw new CaptureException(what + ": the capture has no selectable descriptor");
            }
            pollfd.set(JAVA_INT, 0, fd);
            pollfd.set(JAVA_SHORT, 4, POLLIN);
        } catch (CaptureException e) {
            throw e;
        } catch (Throwable t) {
            throw new CaptureException(what + ": libpcap call failed: " + t, t);
        }
    }

    /** Waits until frames may be read or {@code timeoutMs} passes; true when something is there. */
    boolean await(int timeoutMs) {
        try {
            pollfd.set(JAVA_SHORT, 6, (short) 0);
            // EINTR (-1) or a timeout (0): either way the caller ticks and reads again.
            return (int) lib.poll.invokeExact(pollfd, 1L, timeoutMs) > 0;
        } catch (Throwable t) {
            throw new IllegalStateException("poll failed", t);
        }
    }
}
