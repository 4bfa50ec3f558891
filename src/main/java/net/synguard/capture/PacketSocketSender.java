package net.synguard.capture;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Sends frames with libc's {@code send(2)} on the capture's own packet socket (the descriptor
 * libpcap reads from, which is what {@code pcap_sendpacket} writes to on Linux), through FFM.
 *
 * <p>Why not pcap4j's {@code sendPacket}: JNA marshals the array and the call per frame. Here the
 * frame is copied into one native buffer (a SYN-ACK is 60-100 bytes) and the downcall, bound once,
 * is a critical one (no transition to a safepoint-visible state). Not a heap segment handed to
 * the call in place: wrapping the array per frame allocated (seen with JFR on the live daemon).
 * Measured in the lab on a veth behind br0 (60-byte SYN-ACKs, the send thread's own CPU per
 * frame, a loaded 2-core machine): pcap4j 1.56-1.68 us, FFM send 0.87-1.30 us. The rest is the
 * kernel's: the frame crosses the bridge and the veth into the peer's stack inside the call.
 *
 * <p>{@link #sendBatch}: {@link QueuedSender}'s queued frames, already laid out for {@code
 * sendmmsg(2)} in its {@link SendRing}, one system call for a run of them. Under a flood in the
 * lab its send thread took 5-23 frames per call on average (the backlog that builds while a
 * call runs); see sg-notes/sendbatch.md for what that saved.
 *
 * <p>One thread sends at a time (the buffer is shared): {@link QueuedSender}'s.
 *
 * <p>{@code MSG_DONTWAIT}: a critical call must not block (it would hold every safepoint, so
 * every GC, while the socket buffer of a slow NIC drains); a full buffer fails the send, which
 * the caller counts, like any other failed answer.
 */
@SuppressWarnings("restricted") // FFM is the point here; the launcher grants native access.
final class PacketSocketSender {
    /** MSG_DONTWAIT (bits/socket.h). */
    private static final int MSG_DONTWAIT = 0x40;

    private static final MethodHandle SEND = bind(
            "send",
            true,
            // ssize_t send(int sockfd, const void *buf, size_t len, int flags)
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
    // Not a critical call: a batch runs the far side's receive path for each of its frames, tens
    // of microseconds in all, too long to hold safepoints; one thread transition per batch is
    // nothing beside it.
    private static final MethodHandle SENDMMSG = bind(
            "sendmmsg",
            false,
            // int sendmmsg(int sockfd, struct mmsghdr *msgvec, unsigned int vlen, int flags)
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT));

    /** The longest frame sent: an Ethernet frame with two VLAN tags. */
    static final int MAX_FRAME = 1522;

    private final int fd;
    private final MemorySegment buffer;
    private final long bufferAddress;

    PacketSocketSender(int fd, Arena arena) {
        this.fd = fd;
        this.buffer = arena.allocate(MAX_FRAME);
        this.bufferAddress = buffer.address();
    }

    /**
     * Sends on the descriptor of a libpcap handle (its buffer from {@code arena}), or a {@link
     * CaptureException} saying why it cannot.
     */
    static PacketSocketSender of(LibPcap lib, MemorySegment pcap, Arena arena, String what) throws CaptureException {
        if (SEND == null || SENDMMSG == null) {
            throw new CaptureException(what + ": libc send(2) or sendmmsg(2) cannot be bound through FFM");
        }
        int fd;
        try {
            fd = (int) lib.selectableFd.invokeExact(pcap);
        } catch (Throwable t) {
            throw new CaptureException(what + ": pcap_get_selectable_fd failed: " + t, t);
        }
        if (fd < 0) {
            throw new CaptureException(what + ": the capture has no descriptor to send on");
        }
        return new PacketSocketSender(fd, arena);
    }

    /**
     * Buffers passed as plain addresses (longs), so that a call does not acquire an arena's
     * session per frame: LiveCaptureSource keeps the buffer alive until no send is in flight, and
     * a {@link SendRing} lives as long as its queue.
     */
    private static MethodHandle bind(String name, boolean critical, FunctionDescriptor descriptor) {
        Linker linker = Linker.nativeLinker();
        Linker.Option[] options = critical ? new Linker.Option[] {Linker.Option.critical(false)} : new Linker.Option[0];
        return linker.defaultLookup()
                .find(name)
                .map(s -> linker.downcallHandle(s, descriptor, options))
                .orElse(null);
    }

    /**
     * Sends {@code frame[0, length)}; {@code false} when it is too long or the kernel refused it
     * (or would have blocked).
     */
    boolean send(byte[] frame, int length) {
        if (length > MAX_FRAME || length <= 0) {
            return false;
        }
        try {
            MemorySegment.copy(frame, 0, buffer, JAVA_BYTE, 0, length);
            return (long) SEND.invokeExact(fd, bufferAddress, (long) length, MSG_DONTWAIT) == length;
        } catch (Throwable t) {
            return false;
        }
    }

    /**
     * Sends the {@code count} frames described by the {@code struct mmsghdr} array at {@code
     * messages} ({@link SendRing}) with {@code sendmmsg(2)}, and returns how many were sent. The
     * kernel stops a call at the first frame it refuses and reports the error only when that frame
     * came first (sendmmsg(2)): so the next call starts at the refused frame, and a frame refused
     * as the first of a call is given up, as a failed {@link #send} would be. One call in the
     * usual case; at most two per frame refused.
     */
    int sendBatch(long messages, int count) {
        if (SENDMMSG == null) {
            return 0;
        }
        int sent = 0;
        int done = 0;
        while (done < count) {
            int n;
            try {
                n = (int)
                        SENDMMSG.invokeExact(fd, messages + done * SendRing.MMSGHDR_BYTES, count - done, MSG_DONTWAIT);
            } catch (Throwable t) {
                n = -1;
            }
            if (n > 0) {
                sent += n;
                done += n;
            } else {
                done++;
            }
        }
        return sent;
    }
}
