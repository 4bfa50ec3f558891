package net.synguard.capture;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A single-producer, single-consumer ring of frames: a reader thread copies each frame (bytes,
 * captured length, timestamp) into the next fixed slot, the pipeline's thread hands the slots to
 * its {@link FrameHandler} in the same order. Nothing is allocated per frame on either side.
 *
 * <pre>
 *   sequence:   consumed ......... published ......... written
 *               |  being handled  |  ready, not taken  |  copied, not yet published
 *   slot of sequence s: s &amp; (slots - 1); the producer may write s while s - consumed &lt; slots
 * </pre>
 *
 * <p>Both sides move their sequence in batches ({@link #BATCH} frames), so the two cache lines they
 * share change hands once per batch rather than once per frame. A side that has to wait spins
 * briefly, then parks after posting what it waits for (its "need"); the other side unparks it once
 * its sequence reaches that need. The producer, when the ring is full, waits for half of it to
 * drain, so a faster reader costs the pipeline's thread one unpark per half ring, not one per batch.
 * (The Dekker-style handshake: the waiter writes its need, then re-reads the sequence; the waker
 * writes the sequence, then reads the need; all four accesses are volatile, so one of the two sees
 * the other.)
 *
 * <p>Each slot holds {@link #SLOT_BYTES}. A longer frame (jumbo frames, offloaded segments up to
 * libpcap's 262,144 bytes) goes into the one spare array of that size, which the producer reuses
 * only after the consumer has handled the frame that was in it: memory stays bounded at
 * {@code slots * SLOT_BYTES + 256 KiB}, and long frames only slow the handoff down.
 */
final class FrameRing {
    /** An Ethernet frame of MTU 1500 with two VLAN tags, or a cooked (SLL) one, with room to spare. */
    static final int SLOT_BYTES = 2048;
    /** Frames between two moves of a sequence. A power of two. */
    static final int BATCH = 64;

    private static final int SPINS = 200;
    /** An upper bound on one park: waking relies on unpark; this only bounds a missed one. */
    private static final long PARK_NS = 1_000_000L;

    // Four volatile longs 128 bytes apart (two cache lines, against adjacent-line prefetch), so the
    // producer's and the consumer's writes do not share a line.
    private static final int PUBLISHED = 16;
    private static final int CONSUMED = 32;
    private static final int PRODUCER_NEED = 48;
    private static final int CONSUMER_NEED = 64;
    private final AtomicLongArray seqs = new AtomicLongArray(80);

    private final int mask;
    private final byte[][] own;
    private final byte[][] frames;
    private final int[] lengths;
    private final long[] timestamps;
    private final byte[] jumbo = new byte[NextExLoop.MAX_FRAME];

    private volatile Thread producer;
    private volatile Thread consumer;
    /** The consumer stopped taking frames: the producer gives up instead of waiting. */
    private volatile boolean closed;
    /** The producer wrote its last frame and published it; {@link #failure} is set before. */
    private volatile boolean finished;

    private CaptureException failure;

    // Producer-only state.
    private long written;
    private long consumedSeen;
    private long jumboSequence = -1;

    FrameRing(int slots) {
        if (slots < 2 * BATCH || Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException(
                    "slots: " + slots + " (expected: a power of two, at least " + 2 * BATCH + ")");
        }
        mask = slots - 1;
        own = new byte[slots][SLOT_BYTES];
        frames = own.clone();
        lengths = new int[slots];
        timestamps = new long[slots];
        seqs.set(PRODUCER_NEED, Long.MAX_VALUE);
        seqs.set(CONSUMER_NEED, Long.MAX_VALUE);
    }

    /** Names the two threads, so that each side can wake the other. Call before either starts. */
    void bind(Thread producerThread, Thread consumerThread) {
        producer = producerThread;
        consumer = consumerThread;
    }

    int slots() {
        return mask + 1;
    }

    // ---- producer side ----

    /**
     * Copies a frame into the next slot, waiting for room if the ring is full.
     *
     * @return false when the consumer has closed the ring: the frame was not taken, and nothing more
     *     will be
     */
    boolean put(byte[] frame, int length, long timestampNs) {
        long s = written;
        int slots = mask + 1;
        if (s - consumedSeen >= slots) {
            consumedSeen = seqs.get(CONSUMED);
            if (s - consumedSeen >= slots) {
                publish(s);
                if (!awaitConsumed(s - slots / 2)) {
                    return false;
                }
            }
        }
        int slot = (int) (s & mask);
        byte[] into = own[slot];
        if (length > SLOT_BYTES) {
            // The spare array may still hold an earlier long frame the consumer has not handled.
            if (jumboSequence >= consumedSeen) {
                consumedSeen = seqs.get(CONSUMED);
                if (jumboSequence >= consumedSeen) {
                    publish(s);
                    if (!awaitConsumed(jumboSequence + 1)) {
                        return false;
                    }
                }
            }
            jumboSequence = s;
            into = jumbo;
        }
        System.arraycopy(frame, 0, into, 0, length);
        frames[slot] = into;
        lengths[slot] = length;
        timestamps[slot] = timestampNs;
        written = s + 1;
        if ((written & (BATCH - 1)) == 0) {
            publish(written);
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

    private void publish(long sequence) {
        seqs.set(PUBLISHED, sequence);
        if (sequence >= seqs.get(CONSUMER_NEED)) {
            LockSupport.unpark(consumer);
        }
    }

    private boolean awaitConsumed(long need) {
        for (int spins = 0; ; spins++) {
            long c = seqs.get(CONSUMED);
            if (c >= need) {
                consumedSeen = c;
                return true;
            }
            if (closed) {
                return false;
            }
            if (spins < SPINS) {
                Thread.onSpinWait();
                continue;
            }
            seqs.set(PRODUCER_NEED, need);
            if (seqs.get(CONSUMED) < need && !closed) {
                LockSupport.parkNanos(this, PARK_NS);
            }
            seqs.set(PRODUCER_NEED, Long.MAX_VALUE);
        }
    }

    // ---- consumer side ----

    /**
     * Waits until frame {@code sequence} is published or the producer has finished.
     *
     * @return the published sequence: greater than {@code sequence} when there is a frame to take;
     *     equal to it only when the producer has finished (check {@link #failure()})
     */
    long awaitPublished(long sequence) {
        for (int spins = 0; ; spins++) {
            long p = seqs.get(PUBLISHED);
            if (p > sequence) {
                return p;
            }
            if (finished) {
                return seqs.get(PUBLISHED);
            }
            if (closed) {
                return p;
            }
            if (spins < SPINS) {
                Thread.onSpinWait();
                continue;
            }
            seqs.set(CONSUMER_NEED, sequence + 1);
            if (seqs.get(PUBLISHED) <= sequence && !finished && !closed) {
                LockSupport.parkNanos(this, PARK_NS);
            }
            seqs.set(CONSUMER_NEED, Long.MAX_VALUE);
        }
    }

    byte[] frame(long sequence) {
        return frames[(int) (sequence & mask)];
    }

    int length(long sequence) {
        return lengths[(int) (sequence & mask)];
    }

    long timestampNs(long sequence) {
        return timestamps[(int) (sequence & mask)];
    }

    /** The consumer has handled every frame before {@code sequence}: their slots are free. */
    void release(long sequence) {
        seqs.set(CONSUMED, sequence);
        if (sequence >= seqs.get(PRODUCER_NEED)) {
            LockSupport.unpark(producer);
        }
    }

    /** The consumer takes nothing more: a waiting or later {@link #put} returns false. */
    void close() {
        closed = true;
        LockSupport.unpark(producer);
    }

    /** Wakes a consumer waiting in {@link #awaitPublished}, which then returns what is published. */
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
