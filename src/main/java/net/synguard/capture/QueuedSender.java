package net.synguard.capture;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * Takes the responder's frames off the capture thread: {@link #send} copies a frame into a ring of
 * fixed slots and returns; a thread of its own hands them to the real sender. Why: a send is a
 * system call, and on a veth or bridge the whole receive path of the far side runs inside it; done
 * on the capture thread it cost three quarters of that thread's time under a 250k SYN/s flood in
 * the lab, the capture fell behind, and real clients' SYNs waited in (or fell out of) the ring.
 *
 * <pre>
 *   capture thread (one producer)                 sender thread (one consumer)
 *     slot = ring[tail &amp; mask]; copy; tail++  ───▶  while head &lt; tail: send(ring[head &amp; mask]); head++
 *     full (tail - head == capacity): counted       empty: spin briefly, then park until unparked
 * </pre>
 *
 * A full ring drops the new frame (counted as {@code queueFull}): the oldest answers are already
 * on their way, and the caller counts a dropped answer as not sent, like a failed send. Nothing is
 * allocated per frame.
 */
public final class QueuedSender implements FrameSender, AutoCloseable {
    private static final VarHandle TAIL;
    private static final VarHandle HEAD;
    private static final int SPINS = 200;

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
    private final byte[][] slots;
    private final int[] lengths;
    private final int mask;
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

    /**
     * @param capacity slots, rounded up to a power of two
     * @param slotBytes the longest frame accepted
     */
    public QueuedSender(FrameSender target, int capacity, int slotBytes, String name) {
        this.target = target;
        int n = Integer.highestOneBit(Math.max(2, capacity - 1)) << 1;
        this.slots = new byte[n][slotBytes];
        this.lengths = new int[n];
        this.mask = n - 1;
        this.thread = Thread.ofPlatform().daemon().name(name).unstarted(this::drain);
        thread.start();
    }

    /** Queues a copy of the frame; {@code false} when the ring is full, the frame too long, or closed. */
    @Override
    public boolean send(byte[] frame, int length) {
        long t = (long) TAIL.getOpaque(this);
        long h = (long) HEAD.getAcquire(this);
        if (t - h > mask || length > slots[0].length || closed) {
            queueFull++;
            return false;
        }
        int i = (int) t & mask;
        System.arraycopy(frame, 0, slots[i], 0, length);
        lengths[i] = length;
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
                    LockSupport.parkNanos(this, 10_000_000L);
                }
                parked = false;
                idle = 0;
                continue;
            }
            idle = 0;
            int i = (int) h & mask;
            if (target.send(slots[i], lengths[i])) {
                sent++;
            } else {
                failed++;
            }
            HEAD.setRelease(this, h + 1);
        }
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
    }
}
