package net.synguard.capture;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the responder's frames off the capture thread: {@link #send} copies a frame into a ring of
 * fixed slots and returns; a thread of its own hands them to the real sender. Why: a send is a
 * system call, and on a veth or bridge the whole receive path of the far side runs inside it; done
 * on the capture thread it cost three quarters of that thread's time under a 250k SYN/s flood in
 * the lab, the capture fell behind, and real clients' SYNs waited in (or fell out of) the ring.
 *
 * <pre>
 *   capture thread (one producer)                 sender thread (one consumer)
 *     slot = ring[tail &amp; mask]; copy; tail++  ───▶  run = ring[head &amp; mask, up to tail or the end
 *                                                         of the ring, at most batch frames)
 *                                                   sendBatch(run); head += run
 *     full (tail - head == capacity): counted       empty: spin briefly, then park until unparked
 * </pre>
 *
 * The slots are a {@link SendRing} (native memory laid out for {@code sendmmsg(2)}): a {@link
 * BatchSender} target gets each run of queued frames in one call, one system call for up to
 * {@code batch} frames; any other target gets them one by one. A slot is reused only after the
 * call that sent it returned.
 *
 * <p>A full ring drops the new frame (counted as {@code queueFull}): the oldest answers are already
 * on their way, and the caller counts a dropped answer as not sent, like a failed send. Nothing is
 * allocated per frame.
 */
public final class QueuedSender implements FrameSender, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QueuedSender.class);
    private static final VarHandle TAIL;
    private static final VarHandle HEAD;
    private static final int SPINS = 200;
    /**
     * Frames per {@code sendmmsg}: the system call's own cost shared by up to this many, while a
     * slot waits at most one call's worth of frames before it is free again. A lab switch for
     * comparisons: {@code -Dsynguard.send.batch=N}.
     */
    static final int DEFAULT_BATCH = Math.max(1, Integer.getInteger("synguard.send.batch", 64));

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            TAIL = l.findVarHandle(QueuedSender.class, "tail", long.class);
            HEAD = l.findVarHandle(QueuedSender.class, "head", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final FrameSender target;
    private final BatchSender batchTarget;
    private final SendRing ring;
    private final int mask;
    private final int batch;
    /** The consumer's copy of a frame for a target that takes Java arrays. */
    private final byte[] scratch;

    private final Thread thread;

    @SuppressWarnings("unused") // through TAIL
    private volatile long tail;

    @SuppressWarnings("unused") // through HEAD
    private volatile long head;

    private volatile boolean parked;
    private volatile boolean closed;
    // Written by the producer only.
    private long queueFull;
    // Written by the consumer only.
    private volatile long sent;
    private volatile long failed;
    private volatile long calls;
    private volatile long parks;

    /**
     * @param capacity slots, rounded up to a power of two
     * @param slotBytes the longest frame accepted
     */
    public QueuedSender(FrameSender target, int capacity, int slotBytes, String name) {
        this(target, capacity, slotBytes, DEFAULT_BATCH, name);
    }

    /** As above, with at most {@code batch} frames per call of a {@link BatchSender} target. */
    QueuedSender(FrameSender target, int capacity, int slotBytes, int batch, String name) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1: " + batch);
        }
        this.target = target;
        this.batchTarget = target instanceof BatchSender b ? b : null;
        int n = Integer.highestOneBit(Math.max(2, capacity - 1)) << 1;
        this.ring = new SendRing(n, slotBytes);
        this.mask = n - 1;
        this.batch = Math.min(batch, n);
        this.scratch = new byte[slotBytes];
        this.thread = Thread.ofPlatform().daemon().name(name).unstarted(this::drain);
        thread.start();
    }

    /** Queues a copy of the frame; {@code false} when the ring is full, the frame too long, or closed. */
    @Override
    public boolean send(byte[] frame, int length) {
        long t = (long) TAIL.getOpaque(this);
        long h = (long) HEAD.getAcquire(this);
        if (t - h > mask || length > ring.slotBytes() || length <= 0 || closed) {
            queueFull++;
            return false;
        }
        ring.put((int) t & mask, frame, length);
        TAIL.setRelease(this, t + 1);
        if (parked) {
            LockSupport.unpark(thread);
        }
        return true;
    }

    private void drain() {
        int idle = 0;
        while (true) {
            long h = (long) HEAD.getOpaque(this);
            long t = (long) TAIL.getAcquire(this);
            if (h == t) {
                if (closed) {
                    return;
                }
                if (++idle < SPINS) {
                    Thread.onSpinWait();
                    continue;
                }
                parked = true;
                if ((long) TAIL.getAcquire(this) == h && !closed) {
                    parks++;
                    LockSupport.parkNanos(this, 10_000_000L);
                }
                parked = false;
                idle = 0;
                continue;
            }
            idle = 0;
            int first = (int) h & mask;
            int count = runLength(first, t - h, mask + 1, batch);
            int ok = batchTarget != null ? batchTarget.sendBatch(ring, first, count) : sendEach(first, count);
            calls++;
            sent += ok;
            failed += count - ok;
            HEAD.setRelease(this, h + count);
        }
    }

    /**
     * How many queued frames one call takes: those from slot {@code first} that are queued, up to
     * the end of the ring (a run does not wrap: the kernel takes one contiguous array) and at most
     * {@code batch}.
     */
    static int runLength(int first, long queued, int capacity, int batch) {
        return (int) Math.min(Math.min(queued, capacity - first), batch);
    }

    private int sendEach(int first, int count) {
        int ok = 0;
        for (int i = first; i < first + count; i++) {
            int length = ring.copyOut(i, scratch);
            if (target.send(scratch, length)) {
                ok++;
            }
        }
        return ok;
    }

    /** Frames dropped because the ring was full (read on the capture thread). */
    public long queueFull() {
        return queueFull;
    }

    public long sent() {
        return sent;
    }

    /** Frames the real sender refused. */
    public long failed() {
        return failed;
    }

    /** Calls to the real sender: frames per call = (sent + failed) / calls. */
    public long calls() {
        return calls;
    }

    /** Times the send thread parked, its queue empty: each costs the capture thread an unpark. */
    public long parks() {
        return parks;
    }

    /** Sends what is queued, then stops the thread (waits up to a second). */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // How well the batches filled: the figure that says whether sendmmsg earned its keep.
        long c = calls;
        LOG.info(
                "{}: {} frames sent, {} failed, in {} calls ({} per call); {} refused with the queue full; parked {} times",
                thread.getName(),
                sent,
                failed,
                c,
                c == 0 ? "-" : String.format(java.util.Locale.ROOT, "%.2f", (sent + failed) / (double) c),
                queueFull,
                parks);
    }
}
