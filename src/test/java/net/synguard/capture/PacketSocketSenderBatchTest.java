package net.synguard.capture;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * sendmmsg through a {@link SendRing}'s prebuilt headers, on a real socket: a Unix datagram
 * socket pair stands in for the packet socket (the same call, the same headers; no privilege
 * needed), and what arrives at the other end is read back frame by frame.
 */
@SuppressWarnings("restricted")
class PacketSocketSenderBatchTest {
    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int MSG_DONTWAIT = 0x40;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle SOCKETPAIR =
            libc("socketpair", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle RECV =
            libc("recv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle CLOSE = libc("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private final Arena arena = Arena.ofConfined();
    private int sendFd;
    private int recvFd;

    private static MethodHandle libc(String name, FunctionDescriptor d) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), d);
    }

    @BeforeEach
    void pair() throws Throwable {
        MemorySegment fds = arena.allocate(JAVA_INT, 2);
        assertThat((int) SOCKETPAIR.invokeExact(AF_UNIX, SOCK_DGRAM, 0, fds)).isZero();
        sendFd = fds.getAtIndex(JAVA_INT, 0);
        recvFd = fds.getAtIndex(JAVA_INT, 1);
    }

    @AfterEach
    void close() throws Throwable {
        int a = (int) CLOSE.invokeExact(sendFd);
        int b = (int) CLOSE.invokeExact(recvFd);
        assertThat(a | b).isZero();
        arena.close();
    }

    private static byte[] frame(int n, int length) {
        byte[] f = new byte[length];
        Arrays.fill(f, (byte) n);
        return f;
    }

    /** The next datagram waiting, or null. */
    private byte[] receive() throws Throwable {
        MemorySegment buf = arena.allocate(256);
        long n = (long) RECV.invokeExact(recvFd, buf, 256L, MSG_DONTWAIT);
        return n < 0 ? null : buf.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }

    @Test
    void aRunOfSlotsLeavesAsOneCallEachFrameWithItsOwnLength() throws Throwable {
        SendRing ring = new SendRing(8, 128);
        int[] lengths = {60, 74, 98, 61, 128};
        for (int i = 0; i < lengths.length; i++) {
            ring.put(3 + i, frame(i + 1, lengths[i]), lengths[i]);
        }
        // Slots 3..7: the run the queue hands over, at the ring's end.
        int sent = new PacketSocketSender(sendFd, arena).sendBatch(ring.messageAddress(3), 5);
        assertThat(sent).isEqualTo(5);
        for (int i = 0; i < lengths.length; i++) {
            assertThat(receive()).as("datagram %d", i).isEqualTo(frame(i + 1, lengths[i]));
            assertThat(ring.sentLength(3 + i)).isEqualTo(lengths[i]);
        }
        assertThat(receive()).as("nothing more").isNull();
    }

    @Test
    void aFullReceiverStopsTheBatchWithoutThrowingAndTheRestCountsAsNotSent() throws Throwable {
        // A Unix datagram socket queues a limited number of datagrams (net.unix.max_dgram_qlen,
        // 10 by default, or the buffer): a batch far larger than that must come back short, at
        // once (MSG_DONTWAIT), with the count of those that went.
        SendRing ring = new SendRing(1024, 128);
        for (int i = 0; i < 1024; i++) {
            ring.put(i, frame(i, 100), 100);
        }
        PacketSocketSender s = new PacketSocketSender(sendFd, arena);
        int sent = s.sendBatch(ring.messageAddress(0), 1024);
        assertThat(sent).isPositive().isLessThan(1024);
        int received = 0;
        byte[] d;
        while ((d = receive()) != null) {
            assertThat(d).isEqualTo(frame(received, 100));
            received++;
        }
        assertThat(received).isEqualTo(sent);
        // Room again: the next batch goes.
        ring.put(0, frame(7, 60), 60);
        assertThat(s.sendBatch(ring.messageAddress(0), 1)).isEqualTo(1);
        assertThat(receive()).isEqualTo(frame(7, 60));
    }

    @Test
    void aDescriptorThatIsNoSocketSendsNothingAndDoesNotThrow() {
        SendRing ring = new SendRing(4, 128);
        for (int i = 0; i < 4; i++) {
            ring.put(i, frame(i, 60), 60);
        }
        assertThat(new PacketSocketSender(-1, arena).sendBatch(ring.messageAddress(0), 4))
                .isZero();
    }
}
