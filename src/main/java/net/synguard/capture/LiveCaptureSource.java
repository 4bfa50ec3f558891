package net.synguard.capture;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Field;
import java.util.concurrent.atomic.AtomicInteger;
import net.synguard.time.WallClock;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.PcapStat;

/**
 * A live capture on one interface. pcap4j opens and sets up the handle (snap length, buffer size,
 * a {@value #BLOCK_TIMEOUT_MS} ms block timeout, nanosecond timestamps, the BPF filter), keeps its statistics and breaks its
 * loop; the frames are read either by libpcap's {@code pcap_next_ex} through FFM on that same
 * handle ({@code ffm}: about a third of pcap4j's CPU per frame here, shared/notes/capture-speed.md)
 * or by pcap4j's {@code dispatch} ({@code pcap4j}).
 *
 * <p>The quiet-wire tick: the handle is non-blocking, and when it has nothing the thread waits on
 * its descriptor up to the tick ({@link SocketWaiter}); if the wire stayed quiet, the handler's
 * {@link FrameHandler#onIdle} moves packet time on.
 *
 * <p>One thread runs {@link #run} and, between frames, {@link #stats}; {@link #stop} may come from
 * any thread (pcap_breakloop wakes a blocked poll through an eventfd in libpcap 1.10).
 */
@SuppressWarnings("restricted") // FFM is the point of the ffm engine; the launcher grants native access.
public final class LiveCaptureSource implements PacketSource, BatchSender {
    /** What a live capture is opened with. */
    public record Options(
            String iface, int snaplen, int bufferBytes, int timeoutMillis, String filter, String engine) {}

    /** The longest a captured frame waits in a kernel block before synguard sees it. */
    static final int BLOCK_TIMEOUT_MS = 1;

    private final Options options;
    private final PcapHandle handle;
    private final int linkType;
    private final Arena arena;
    private final NextExLoop ffmLoop;
    private final SocketWaiter waiter;
    /** The responder's sends; null when libc's send cannot be bound (then pcap4j sends). */
    private final PacketSocketSender sender;
    /** The send thread's copy of a queued frame when pcap4j sends. */
    private final byte[] pcap4jFrame = new byte[PacketSocketSender.MAX_FRAME];
    /**
     * Sends in flight on the descriptor, and whether it is closing: a send after close would write
     * to a descriptor number the process may already have reused. The sender counts itself in
     * before it checks {@link #closed}; close sets it before it waits for the count to drop.
     */
    private final AtomicInteger sending = new AtomicInteger();

    private volatile boolean closed;
    private final Wrapping32 received = new Wrapping32();
    private final Wrapping32 dropped = new Wrapping32();
    private final Wrapping32 ifDropped = new Wrapping32();
    private volatile boolean stopRequested;

    private LiveCaptureSource(Options options, PcapHandle handle, LibPcap lib) throws CaptureException {
        this.options = options;
        this.handle = handle;
        this.linkType = handle.getDlt().value();
        LibPcap ffm = LibPcap.get();
        if (ffm == null) {
            throw new CaptureException(options.iface() + ": libpcap cannot be bound through FFM (" + LibPcap.failure()
                    + "): live capture needs it to wait on the socket");
        }
        this.arena = Arena.ofShared();
        MemorySegment pcap = nativeHandle(handle);
        this.waiter = new SocketWaiter(ffm, pcap, arena, options.iface());
        this.sender = socketSender(ffm, pcap, arena, options.iface());
        this.ffmLoop =
                lib != null ? new NextExLoop(lib, pcap, arena, options.iface(), waiter, options.timeoutMillis()) : null;
    }

    /**
     * Opens the interface. A missing interface, a lack of privilege (CAP_NET_RAW) or a filter libpcap
     * refuses is a {@link CaptureException} whose message says which.
     */
    public static LiveCaptureSource open(Options o, java.util.function.Consumer<String> notice)
            throws CaptureException {
        LibPcap lib = null;
        if (CaptureFiles.ENGINE_FFM.equals(o.engine())) {
            lib = LibPcap.get();
            if (lib == null) {
                notice.accept("ffm engine unavailable (" + LibPcap.failure() + "), using pcap4j");
            }
        }
        PcapHandle h;
        try {
            h = new PcapHandle.Builder(o.iface())
                    .snaplen(o.snaplen())
                    .bufferSize(o.bufferBytes())
                    // Not immediate mode: the kernel hands frames over a block at a time (TPACKET_V3),
                    // a block retired when full or BLOCK_TIMEOUT_MS after its first frame, so a flood
                    // costs a wake-up per block, not per frame. Measured in the lab at 100k SYN/s
                    // (tests/bench/live-capture.sh, quiet machine): 2.2 instead of 4.8 us of CPU per
                    // packet detecting, 4.8 instead of 12.3 answering, no kernel drops either way. What
                    // it costs: a client's SYN waits up to that long before synguard sees it.
                    .timeoutMillis(BLOCK_TIMEOUT_MS)
                    .immediateMode(false)
                    .promiscuousMode(PcapNetworkInterface.PromiscuousMode.NONPROMISCUOUS)
                    .timestampPrecision(PcapHandle.TimestampPrecision.NANO)
                    .build();
        } catch (PcapNativeException e) {
            throw new CaptureException(o.iface() + ": cannot capture: " + e.getMessage(), e);
        }
        try {
            h.setFilter(o.filter(), BpfProgram.BpfCompileMode.OPTIMIZE);
            return new LiveCaptureSource(o, h, lib);
        } catch (PcapNativeException | NotOpenException e) {
            h.close();
            throw new CaptureException(o.iface() + ": filter refused: " + e.getMessage(), e);
        } catch (CaptureException e) {
            h.close();
            throw e;
        }
    }

    private static PacketSocketSender socketSender(LibPcap ffm, MemorySegment pcap, Arena arena, String iface) {
        try {
            return PacketSocketSender.of(ffm, pcap, arena, iface);
        } catch (CaptureException e) {
            return null;
        }
    }

    /** pcap4j keeps the pcap_t pointer private; the FFM loop reads frames from that same handle. */
    private static MemorySegment nativeHandle(PcapHandle h) throws CaptureException {
        try {
            Field f = PcapHandle.class.getDeclaredField("handle");
            f.setAccessible(true);
            com.sun.jna.Pointer p = (com.sun.jna.Pointer) f.get(h);
            return MemorySegment.ofAddress(com.sun.jna.Pointer.nativeValue(p));
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new CaptureException("cannot reach pcap4j's native handle for the ffm engine: " + e, e);
        }
    }

    @Override
    public int linkType() {
        return linkType;
    }

    @Override
    public long run(FrameHandler handler) throws CaptureException {
        if (ffmLoop != null) {
            return ffmLoop.run(handler);
        }
        return runPcap4j(handler);
    }

    private long runPcap4j(FrameHandler handler) throws CaptureException {
        Pcap4jFrames frames = new Pcap4jFrames(handle, handler);
        try {
            while (!stopRequested && !frames.failed()) {
                int n = handle.dispatch(-1, frames);
                // dispatch hands over what the buffer holds and returns: drained.
                handler.onDrained();
                if (n == 0 && !waiter.await(options.timeoutMillis())) {
                    handler.onIdle(WallClock.nowNs());
                }
            }
        } catch (InterruptedException e) {
            // breakLoop(): stop() or a handler failure, handled below.
        } catch (PcapNativeException | NotOpenException e) {
            throw new CaptureException(
                    options.iface() + ": read failed after " + frames.count() + " frames: " + e.getMessage(), e);
        }
        frames.rethrow(options.iface());
        return frames.count();
    }

    /**
     * Injects a frame through the capture's own socket: {@code send(2)} on its descriptor through
     * FFM ({@link PacketSocketSender}, what libpcap's {@code pcap_sendpacket} does, without JNA's
     * copy), else pcap4j's {@code sendPacket}. Sent on the capturing socket itself, the frame is not
     * captured back by it (the kernel does not loop a packet socket's own transmissions to that
     * socket), so the responder's SYN-ACKs are not counted as SYN-ACKs seen on the wire.
     */
    @Override
    public boolean send(byte[] frame, int length) {
        PacketSocketSender s = sender;
        if (s != null) {
            sending.incrementAndGet();
            try {
                return !closed && s.send(frame, length);
            } finally {
                sending.decrementAndGet();
            }
        }
        try {
            handle.sendPacket(frame, length);
            return true;
        } catch (PcapNativeException | NotOpenException e) {
            return false;
        }
    }

    /**
     * Sends a run of the send queue's frames: one {@code sendmmsg(2)} on the capture's socket for
     * all of them ({@link PacketSocketSender#sendBatch}), else pcap4j's {@code sendPacket} each.
     * The same in-flight count as {@link #send}: a batch after close cannot reach a reused
     * descriptor.
     */
    @Override
    public int sendBatch(SendRing ring, int first, int count) {
        PacketSocketSender s = sender;
        if (s != null) {
            sending.incrementAndGet();
            try {
                return closed ? 0 : s.sendBatch(ring.messageAddress(first), count);
            } finally {
                sending.decrementAndGet();
            }
        }
        int sent = 0;
        for (int i = first; i < first + count; i++) {
            if (send(pcap4jFrame, ring.copyOut(i, pcap4jFrame))) {
                sent++;
            }
        }
        return sent;
    }

    /** libpcap's counters now; call from the capture thread, between frames. */
    public CaptureStats stats() {
        try {
            PcapStat s = handle.getStats();
            return new CaptureStats(
                    received.update(s.getNumPacketsReceived()),
                    dropped.update(s.getNumPacketsDropped()),
                    ifDropped.update(s.getNumPacketsDroppedByIf()));
        } catch (PcapNativeException | NotOpenException e) {
            return CaptureStats.NONE;
        }
    }

    @Override
    public void stop() {
        stopRequested = true;
        if (ffmLoop != null) {
            ffmLoop.stop();
        }
        Pcap4jFrames.breakQuietly(handle);
    }

    @Override
    public String describe() {
        return "live " + options.iface() + ", " + LinkType.name(linkType) + ", " + (ffmLoop != null ? "ffm" : "pcap4j")
                + (sender != null ? ", sendmmsg(2)" : ", pcap4j send");
    }

    @Override
    public void close() {
        closed = true;
        // A send never blocks (MSG_DONTWAIT): the wait is one system call at most.
        while (sending.get() != 0) {
            Thread.onSpinWait();
        }
        handle.close();
        arena.close();
    }
}
