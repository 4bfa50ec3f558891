package net.synguard.capture;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The slots of {@link QueuedSender}'s ring in native memory, each already described to the kernel
 * by a {@code struct mmsghdr} and its {@code struct iovec}: a run of consecutive slots is the
 * {@code msgvec} of one {@code sendmmsg(2)} as it stands, so the send thread neither copies nor
 * builds anything per frame; the producer writes the frame and its length into the slot's iovec.
 *
 * <pre>
 * slots:  [ frame 0 (slotBytes) ][ frame 1 ] ...                    one segment
 * iovecs: { iov_base = &amp;slot i (8), iov_len (8) }                     16 bytes each
 * mmsghdrs (Linux x86_64 / aarch64 LP64, 64 bytes each):
 *   0 msg_name = NULL (the socket is bound)   8 msg_namelen = 0 (4, pad 4)
 *  16 msg_iov = &amp;iovec i                    24 msg_iovlen = 1
 *  32 msg_control = NULL                    40 msg_controllen = 0
 *  48 msg_flags (4, pad 4)                  56 msg_len: bytes sent, written by the kernel (4, pad 4)
 * </pre>
 *
 * Freed by the garbage collector (an automatic arena) once the ring and its thread are gone: a
 * send thread that outlives {@link QueuedSender#close}'s wait still finds its memory.
 */
@SuppressWarnings("restricted") // FFM is the point here; the launcher grants native access.
public final class SendRing {
    static final long MMSGHDR_BYTES = 64;
    private static final long IOVEC_BYTES = 16;
    private static final long IOV_LEN = 8;
    private static final long MSG_IOV = 16;
    private static final long MSG_IOVLEN = 24;

    private final int capacity;
    private final int slotBytes;
    private final MemorySegment slots;
    private final MemorySegment iovecs;
    private final MemorySegment messages;

    /** {@code capacity} slots of {@code slotBytes} each, the first at index 0. */
    SendRing(int capacity, int slotBytes) {
        if (capacity < 1 || slotBytes < 1) {
            throw new IllegalArgumentException(
                    "capacity and slotBytes must be positive: " + capacity + ", " + slotBytes);
        }
        this.capacity = capacity;
        this.slotBytes = slotBytes;
        Arena arena = Arena.ofAuto();
        this.slots = arena.allocate((long) capacity * slotBytes, 64);
        this.iovecs = arena.allocate(capacity * IOVEC_BYTES, 8);
        this.messages = arena.allocate(capacity * MMSGHDR_BYTES, 8);
        for (int i = 0; i < capacity; i++) {
            iovecs.set(JAVA_LONG, i * IOVEC_BYTES, slots.address() + (long) i * slotBytes);
            messages.set(JAVA_LONG, i * MMSGHDR_BYTES + MSG_IOV, iovecs.address() + i * IOVEC_BYTES);
            messages.set(JAVA_LONG, i * MMSGHDR_BYTES + MSG_IOVLEN, 1L);
        }
    }

    int capacity() {
        return capacity;
    }

    int slotBytes() {
        return slotBytes;
    }

    /** Copies {@code frame[0, length)} into slot {@code index}; the caller checked the length. */
    void put(int index, byte[] frame, int length) {
        MemorySegment.copy(frame, 0, slots, JAVA_BYTE, (long) index * slotBytes, length);
        iovecs.set(JAVA_LONG, index * IOVEC_BYTES + IOV_LEN, length);
    }

    /** The length of the frame in slot {@code index}. */
    int length(int index) {
        return (int) iovecs.get(JAVA_LONG, index * IOVEC_BYTES + IOV_LEN);
    }

    /**
     * Copies the frame in slot {@code index} to {@code into} (at least {@link #slotBytes} long) and
     * returns its length: for senders that take a Java array.
     */
    int copyOut(int index, byte[] into) {
        int length = length(index);
        MemorySegment.copy(slots, JAVA_BYTE, (long) index * slotBytes, into, 0, length);
        return length;
    }

    /** The address of slot {@code index}'s {@code struct mmsghdr}: the {@code msgvec} of a run starting there. */
    long messageAddress(int index) {
        return messages.address() + index * MMSGHDR_BYTES;
    }

    /** What the kernel wrote as sent for slot {@code index} ({@code msg_len}); for tests. */
    int sentLength(int index) {
        return messages.get(JAVA_INT, index * MMSGHDR_BYTES + 56);
    }
}
