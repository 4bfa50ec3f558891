package net.synguard.capture;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A single-producer, single-consumer ring of frames in one byte array: a reader thread appends each
 * frame as a record, the pipeline's thread takes the records in the same order. Nothing is
 * allocated per frame on either side.
 *
 * <pre>
 * record, 16-byte aligned:
 *   0  int  captured length (or WRAP: the rest of this lap is empty, go on at the next lap's start)
 *   4  int  unused
 *   8  long timestamp, nanoseconds
 *  16  the frame's bytes
 *
 * positions are byte counts since the start, never reset; a position's offset in the array is
 * position &amp; (capacity - 1):
 *   consumed ............ published ............ written
 *   |  taken, free again |  ready, not yet taken |  appended, not yet published
 * </pre>
 *
 * <p>Records are packed and read in address order, so the hardware prefetcher can stream them from
 * the reader's core to the pipeline's (a flood's 60-byte frame is 80 bytes of ring, where a fixed
 * slot per frame would touch a new, unprefetched line each time), and a frame of any length up to
 * libpcap's 262,144 bytes fits without a special case. The consumer copies each frame into an array
 * of its own, which the handler may use until its next frame, as {@link FrameHandler} promises.
 *
 * <p>Both sides move their position in batches ({@link #BATCH} frames), so the two cache lines they
 * share change hands once per batch. A side that has to wait parks after posting what it waits for
 * (its "need"); the other side unparks it once its position reaches that need. The producer, when
 * the ring is full, waits for half of it to drain, so a faster reader costs the pipeline's thread
 * one unpark per half ring. (The handshake is Dekker's: the waiter writes its need, then re-reads
 * the position; the waker writes the position, then reads the need; all four accesses are volatile,
 * so one of the two sees the other.)
 */
final class FrameRing {
    /** Frames between two moves of a position. A power of two. */
    static final int BATCH = 64;

    static final int HEADER = 16;
    private static final int WRAP = -1;
    /** A lap must hold the longest record twice (one may be skipped as the rest of a lap). */
    static final int MIN_CAPACITY = 1 << 20;

    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

    /**
     * Spins of a consumer waiting for a batch before it parks: a batch comes within microseconds
     * when the reader is running. The producer does not spin: it waits for half the ring, which
     * takes the pipeline a millisecond or more to drain.
     */
    private static final int SPINS = 200;
    /** An upper bound on one park: waking relies on unpark; this only bounds a missed one. */
    private static final long PARK_NS = 1_000_000L;

    // Four volatile longs 128 bytes apart (two cache lines, against adjacent-line prefetch), so the
    // producer's and the consumer's writes do not share a line.
    private static final int PUBLISHED = 16;
    private static final int CONSUMED = 32;
    private static final int PRODUCER_NEED = 48;
    private static final int CONSUMER_NEED = 64;
    private final AtomicLongArray positions = new AtomicLongArray(80);

    private final byte[] data;
    private final int mask;

    private volatile Thread producer;
    private volatile Thread consumer;
    /** The consumer stopped taking frames: the producer gives up instead of waiting. */
    private volatile boolean closed;
    /** The producer appended its last frame and published it; {@link #failure} is set before. */
    private volatile boolean finished;

    private CaptureException failure;

    // Producer-only state.
    private long written;
    private long appended;
    private long consumedSeen;

    FrameRing(int capacity) {
        if (capacity < MIN_CAPACITY || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException(
                    "capacity: " + capacity + " (expected: a power of two, at least " + MIN_CAPACITY + ")");
        }
        data = new byte[capacity];
        mask = capacity - 1;
        positions.set(PRODUCER_NEED, Long.MAX_VALUE);
        positions.set(CONSUMER_NEED, Long.MAX_VALUE);
    }

    /** Names the two threads, so that each side can wake the other. Call before either starts. */
    void bind(Thread producerThread, Thread consumerThread) {
        producer = producerThread;
        consumer = consumerThread;
    }

    static int recordSize(int length) {
        return (HEADER + length + 15) & ~15;
    }

    // ---- producer side ----

    /**
     * Appends a frame of at most {@link NextExLoop#MAX_FRAME} bytes, waiting for room if the ring is
     * full.
     *
     * @return false when the consumer has closed the ring: the frame was not taken, and nothing more
     *     will be
     */
    boolean put(byte[] frame, int length, long timestampNs) {
        int capacity = mask + 1;
        int size = recordSize(length);
        int offset = (int) (written & mask);
        // A record does not wrap around: if it does not fit in this lap, the rest of the lap is
        // skipped (offsets are 16-aligned, so there is room for the WRAP mark).
        long start = offset + size > capacity ? written + (capacity - offset) : written;
        long end = start + size;
        if (end - consumedSeen > capacity) {
            consumedSeen = positions.get(CONSUMED);
            if (end - consumedSeen > capacity) {
                publish(written);
                // Half the ring free, or as much as the consumer can free: all that is published.
                if (!awaitConsumed(Math.min(end - capacity / 2, written))) {
                    return false;
                }
            }
        }
        if (start != written) {
            INT.set(data, offset, WRAP);
        }
        int at = (int) (start & mask);
        INT.set(data, at, length);
        LONG.set(data, at + 8, timestampNs);
        System.arraycopy(frame, 0, data, at + HEADER, length);
        written = end;
        if ((++appended & (BATCH - 1)) == 0) {
            publish(end);
            return !closed;
        }
        return true;
    }

    /** The producer is done: publishes what is left, then records {@code why} (null at the end). */
    void finish(CaptureException why) {
        publish(written);
        failure = why;
        finished = true;
        LockSupport.unpark(consumer);
    }

    private void publish(long position) {
        positions.set(PUBLISHED, position);
        if (position >= positions.get(CONSUMER_NEED)) {
            LockSupport.unpark(consumer);
        }
    }

    private boolean awaitConsumed(long need) {
        while (true) {
            long c = positions.get(CONSUMED);
            if (c >= need) {
                consumedSeen = c;
                return true;
            }
            if (closed) {
                return false;
            }
            positions.set(PRODUCER_NEED, need);
            if (positions.get(CONSUMED) < need && !closed) {
                LockSupport.parkNanos(this, PARK_NS);
            }
            positions.set(PRODUCER_NEED, Long.MAX_VALUE);
        }
    }

    // ---- consumer side ----

    /**
     * Waits until there is a record at {@code position} or the producer has finished.
     *
     * @return the published position: greater than {@code position} when there is a record to
     *     take; equal to it when the producer has finished (check {@link #failure()}) or the ring
     *     was closed
     */
    long awaitPublished(long position) {
        for (int spins = 0; ; spins++) {
            long p = positions.get(PUBLISHED);
            if (p > position) {
                return p;
            }
            if (finished) {
                return positions.get(PUBLISHED);
            }
            if (closed) {
                return p;
            }
            if (spins < SPINS) {
                Thread.onSpinWait();
                continue;
            }
            // Woken when an eighth of the ring is there (or at the end), not at the next batch:
            // a pipeline faster than the reader would otherwise cost the reader an unpark per
            // batch.
            positions.set(CONSUMER_NEED, position + (mask + 1) / 8);
            if (positions.get(PUBLISHED) <= position && !finished && !closed) {
                LockSupport.parkNanos(this, PARK_NS);
            }
            positions.set(CONSUMER_NEED, Long.MAX_VALUE);
        }
    }

    /** The record at or after a published {@code position}: past a WRAP mark, the next lap. */
    long record(long position) {
        return (int) INT.get(data, (int) (position & mask)) == WRAP ? (position | mask) + 1 : position;
    }

    int length(long record) {
        return (int) INT.get(data, (int) (record & mask));
    }

    long timestampNs(long record) {
        return (long) LONG.get(data, (int) (record & mask) + 8);
    }

    /** Copies the frame of {@code record} into {@code into} from index 0. */
    void copyFrame(long record, int length, byte[] into) {
        System.arraycopy(data, (int) (record & mask) + HEADER, into, 0, length);
    }

    /** The consumer has taken every record before {@code position}: their bytes are free. */
    void release(long position) {
        positions.set(CONSUMED, position);
        if (position >= positions.get(PRODUCER_NEED)) {
            LockSupport.unpark(producer);
        }
    }

    /** The consumer takes nothing more: a waiting or later {@link #put} returns false. */
    void close() {
        closed = true;
        LockSupport.unpark(producer);
    }

    /** Wakes a consumer waiting in {@link #awaitPublished}. */
    void wakeConsumer() {
        LockSupport.unpark(consumer);
    }

    /** Why the producer finished early, or null; valid once {@link #awaitPublished} saw it finish. */
    CaptureException failure() {
        return failure;
    }

    boolean finished() {
        return finished;
    }
}
