package net.synguard.capture;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.function.Function;

/**
 * Reads a capture file on a thread of its own: the wrapped source's read loop (libpcap's
 * {@code pcap_next_ex}, its {@code fread}s and the copy out of its buffer) runs on a reader thread
 * that fills a {@link FrameRing}, and {@link #run} hands the frames to the pipeline from the ring,
 * in file order, with the same bytes, lengths and timestamps. On a replay the pipeline's thread is
 * the bottleneck (its tables), and reading was a fifth of its time; with two cores the reading
 * overlaps the analysis instead. (The 5 M-SYN flood of tests/bench/replay-throughput.sh: the
 * pipeline's thread 4.0 s of CPU instead of 5.1, the reader 1.1 s.)
 *
 * <p>What {@link #run} promises is the wrapped source's: frames before a read error are all
 * handled, then the error is thrown; a handler failure ends the read and is thrown as the same
 * {@code "processing failed at frame N"} error; and the reader thread never outlives the call.
 */
public final class ReadAheadSource implements PacketSource {
    /** 2 MiB: about 26,000 of a flood's 60-byte frames, 20 ms of the pipeline's work. */
    static final int DEFAULT_CAPACITY = 2 << 20;

    private final PacketSource inner;
    private final String what;
    private final int capacity;
    private volatile boolean stopRequested;
    private volatile FrameRing running;

    /**
     * @param inner a source that may be run on another thread (a file: nothing live)
     * @param what the file, for error messages
     */
    public ReadAheadSource(PacketSource inner, String what) {
        this(inner, what, DEFAULT_CAPACITY);
    }

    ReadAheadSource(PacketSource inner, String what, int capacity) {
        this(
                inner,
                what,
                capacity,
                task -> Thread.ofPlatform().name("synguard-read-ahead").daemon().unstarted(task));
    }

    /** With the reader thread made by {@code threads} (tests: a thread that cannot start). */
    ReadAheadSource(PacketSource inner, String what, int capacity, Function<Runnable, Thread> threads) {
        this.inner = inner;
        this.what = what;
        this.capacity = capacity;
        this.threads = threads;
    }

    private final Function<Runnable, Thread> threads;
    /** Why the last run read on the caller's thread instead (null: it read ahead). */
    private volatile String inlineReason;

    private volatile long readerCpuNs;

    @Override
    public int linkType() {
        return inner.linkType();
    }

    @Override
    public long run(FrameHandler handler) throws CaptureException {
        FrameRing ring = new FrameRing(capacity);
        byte[] frame = new byte[NextExLoop.MAX_FRAME];
        Thread reader = threads.apply(() -> read(ring));
        ring.bind(reader, Thread.currentThread());
        running = ring;
        try {
            reader.start();
        } catch (OutOfMemoryError | RuntimeException e) {
            // No thread to spare (a process at its thread or memory limit): the reading is only
            // moved, not needed, so read on this thread as the wrapped source would alone.
            running = null;
            inlineReason = "no reader thread (" + e + "): read inline";
            return inner.run(handler);
        }
        inlineReason = null;
        long handed = 0;
        long position = 0;
        try {
            while (!stopRequested) {
                long published = ring.awaitPublished(position);
                if (published <= position) {
                    break;
                }
                while (position < published && !stopRequested) {
                    long record = ring.record(position);
                    int length = ring.length(record);
                    long timestampNs = ring.timestampNs(record);
                    ring.copyFrame(record, length, frame);
                    position = record + FrameRing.recordSize(length);
                    handed++;
                    handler.onFrame(frame, length, timestampNs);
                    if ((handed & (FrameRing.BATCH - 1)) == 0) {
                        ring.release(position);
                    }
                }
                ring.release(position);
            }
        } catch (Throwable t) {
            stopReader(ring, reader);
            if (t instanceof CaptureException e) {
                throw e;
            }
            throw new CaptureException(what + ": processing failed at frame " + handed + ": " + t, t);
        }
        stopReader(ring, reader);
        CaptureException failure = ring.failure();
        if (failure != null && !stopRequested) {
            throw failure;
        }
        return handed;
    }

    /** The reader thread: the wrapped loop, each frame copied into the ring. */
    private void read(FrameRing ring) {
        CaptureException failure = null;
        try {
            inner.run((frame, length, timestampNs) -> {
                if (!ring.put(frame, length, timestampNs)) {
                    inner.stop();
                }
            });
        } catch (CaptureException e) {
            failure = e;
        } catch (Throwable t) {
            failure = new CaptureException(what + ": read-ahead failed: " + t, t);
        } finally {
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            readerCpuNs = threads.isCurrentThreadCpuTimeSupported() ? threads.getCurrentThreadCpuTime() : 0;
            ring.finish(failure);
        }
    }

    /**
     * CPU time the reader thread used in the last {@link #run} (0 before it ends): a replay's CPU
     * per packet counts the reading too, which is no longer on the pipeline's thread.
     */
    public long readerCpuNs() {
        return readerCpuNs;
    }

    /** Ends the reader (if it is still reading) and waits for it, so that it ends with run(). */
    private void stopReader(FrameRing ring, Thread reader) {
        running = null;
        ring.close();
        if (!ring.finished()) {
            inner.stop();
        }
        boolean interrupted = false;
        while (true) {
            try {
                reader.join();
                break;
            } catch (InterruptedException e) {
                // The reader ends within one read call; waiting out an interrupt keeps the promise
                // that it does not outlive run(), and the interrupt is passed on below.
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void stop() {
        stopRequested = true;
        inner.stop();
        FrameRing ring = running;
        if (ring != null) {
            ring.wakeConsumer();
        }
    }

    @Override
    public String describe() {
        String inline = inlineReason;
        return inner.describe() + (inline == null ? ", read-ahead" : ", " + inline);
    }

    @Override
    public void close() {
        inner.close();
    }
}
