package net.synguard.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The handoff through {@link FrameRing}: every frame arrives once, in order, with its bytes, length
 * and timestamp; a read error arrives after the frames before it; a consumer that stops ends the
 * reader, which never outlives run(). A small ring makes both sides wait often.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReadAheadSourceTest {
    private static final int SMALL_RING = FrameRing.MIN_CAPACITY;
    private static final int LONG = 2048;

    /** Frame i: a length that varies (every 97th longer than a slot), bytes and time from i. */
    static int lengthOf(long i) {
        if (i % 97 == 5) {
            return LONG + 1 + (int) (i * 131 % 60_000);
        }
        return 14 + (int) (i * 37 % 1500);
    }

    static byte byteOf(long i, int j) {
        return (byte) (i * 31 + j * 7 + (i >>> 8));
    }

    static long timestampOf(long i) {
        return 1_700_000_000_000_000_000L + i * 1_003;
    }

    /**
     * A file-like source that produces {@code frames} scripted frames (or until stopped when
     * negative), then throws {@code failure} if set, as a truncated file would.
     */
    static class ScriptedSource implements PacketSource {
        private final long frames;
        private final CaptureException failure;
        private final byte[] buffer = new byte[NextExLoop.MAX_FRAME];
        private volatile boolean stopped;
        volatile long produced;
        volatile Thread readerThread;

        ScriptedSource(long frames, CaptureException failure) {
            this.frames = frames;
            this.failure = failure;
        }

        @Override
        public int linkType() {
            return LinkType.ETHERNET;
        }

        @Override
        public long run(FrameHandler handler) throws CaptureException {
            readerThread = Thread.currentThread();
            long i = 0;
            for (; (frames < 0 || i < frames) && !stopped; i++) {
                int len = lengthOf(i);
                for (int j = 0; j < len; j++) {
                    buffer[j] = byteOf(i, j);
                }
                handler.onFrame(buffer, len, timestampOf(i));
                // The source reuses its array: scribble over it, as the next read would.
                buffer[0] = (byte) ~buffer[0];
                produced = i + 1;
            }
            if (failure != null && !stopped) {
                throw failure;
            }
            return i;
        }

        @Override
        public void stop() {
            stopped = true;
        }

        @Override
        public String describe() {
            return "scripted";
        }

        @Override
        public void close() {}
    }

    /** Checks each frame against the script; remembers the first mismatch rather than throwing. */
    static final class CheckingHandler implements FrameHandler {
        long seen;
        String mismatch;

        @Override
        public void onFrame(byte[] frame, int capturedLength, long timestampNs) {
            long i = seen++;
            if (mismatch != null) {
                return;
            }
            if (capturedLength != lengthOf(i)) {
                mismatch = "frame " + i + ": length " + capturedLength + " (expected: " + lengthOf(i) + ")";
            } else if (timestampNs != timestampOf(i)) {
                mismatch = "frame " + i + ": timestamp " + timestampNs + " (expected: " + timestampOf(i) + ")";
            } else {
                for (int j = 0; j < capturedLength; j++) {
                    if (frame[j] != byteOf(i, j)) {
                        mismatch =
                                "frame " + i + ": byte " + j + " is " + frame[j] + " (expected: " + byteOf(i, j) + ")";
                        break;
                    }
                }
            }
        }
    }

    @Test
    void framesArriveInOrderWithTheirBytesLengthsAndTimestamps() throws Exception {
        ScriptedSource inner = new ScriptedSource(300_000, null);
        CheckingHandler h = new CheckingHandler();
        long n;
        try (ReadAheadSource src = new ReadAheadSource(inner, "scripted", SMALL_RING)) {
            n = src.run(h);
        }
        assertThat(h.mismatch).isNull();
        assertThat(n).isEqualTo(300_000);
        assertThat(h.seen).isEqualTo(300_000);
        assertThat(inner.readerThread).isNotEqualTo(Thread.currentThread());
        assertThat(inner.readerThread.isAlive()).isFalse();
    }

    /** A process out of threads still replays: the frames are read on the caller's thread. */
    @Test
    void withoutAReaderThreadTheFramesAreReadInline() throws Exception {
        ScriptedSource inner = new ScriptedSource(50_000, null);
        CheckingHandler h = new CheckingHandler();
        long n;
        String described;
        try (ReadAheadSource src = new ReadAheadSource(inner, "scripted", SMALL_RING, task -> new Thread(task) {
            @Override
            public synchronized void start() {
                throw new OutOfMemoryError("unable to create native thread: possibly out of memory");
            }
        })) {
            n = src.run(h);
            described = src.describe();
        }
        assertThat(h.mismatch).isNull();
        assertThat(n).isEqualTo(50_000);
        assertThat(h.seen).isEqualTo(50_000);
        assertThat(inner.readerThread).isEqualTo(Thread.currentThread());
        assertThat(described).contains("read inline").contains("unable to create native thread");
    }

    @Test
    void longFramesCrossTheEndOfTheRingIntact() throws Exception {
        // Long frames only, and a slow consumer: many records meet the end of a lap and the producer waits.
        ScriptedSource inner = new ScriptedSource(2_000, null) {
            @Override
            public long run(FrameHandler handler) throws CaptureException {
                byte[] big = new byte[70_000];
                for (int i = 0; i < 2_000; i++) {
                    java.util.Arrays.fill(big, (byte) i);
                    handler.onFrame(big, LONG + 1 + i, i);
                }
                return 2_000;
            }
        };
        long[] seen = {0};
        String[] bad = {null};
        try (ReadAheadSource src = new ReadAheadSource(inner, "scripted", SMALL_RING)) {
            src.run((frame, len, ts) -> {
                long i = seen[0]++;
                Thread.onSpinWait();
                if (bad[0] == null
                        && (ts != i || len != LONG + 1 + i || frame[0] != (byte) i || frame[len - 1] != (byte) i)) {
                    bad[0] = "frame " + i + ": ts " + ts + " len " + len + " first byte " + frame[0];
                }
            });
        }
        assertThat(bad[0]).isNull();
        assertThat(seen[0]).isEqualTo(2_000);
    }

    @Test
    void aReadErrorArrivesAfterEveryFrameBeforeIt() {
        CaptureException truncated =
                new CaptureException("f.pcap: read failed after 12345 frames: truncated dump file");
        ScriptedSource inner = new ScriptedSource(12_345, truncated);
        CheckingHandler h = new CheckingHandler();
        try (ReadAheadSource src = new ReadAheadSource(inner, "f.pcap", SMALL_RING)) {
            assertThatThrownBy(() -> src.run(h)).isSameAs(truncated);
        }
        assertThat(h.mismatch).isNull();
        assertThat(h.seen).isEqualTo(12_345);
        assertThat(inner.readerThread.isAlive()).isFalse();
    }

    @Test
    void aHandlerFailureStopsTheReaderBeforeRunReturns() {
        ScriptedSource endless = new ScriptedSource(-1, null);
        long[] seen = {0};
        try (ReadAheadSource src = new ReadAheadSource(endless, "f.pcap", SMALL_RING)) {
            assertThatThrownBy(() -> src.run((frame, len, ts) -> {
                        if (++seen[0] == 5_000) {
                            throw new IllegalStateException("table broke");
                        }
                    }))
                    .isInstanceOf(CaptureException.class)
                    .hasMessage("f.pcap: processing failed at frame 5000: java.lang.IllegalStateException: table broke")
                    .hasCauseInstanceOf(IllegalStateException.class);
        }
        assertThat(seen[0]).isEqualTo(5_000);
        assertThat(endless.readerThread.isAlive()).isFalse();
        // Ahead by at most the ring and a batch: the reader stopped rather than ran on.
        assertThat(endless.produced)
                .isLessThanOrEqualTo(5_000 + SMALL_RING / FrameRing.recordSize(14) + FrameRing.BATCH + 1);
    }

    @Test
    void stopFromAnotherThreadEndsAnEndlessRead() throws Exception {
        ScriptedSource endless = new ScriptedSource(-1, null);
        CheckingHandler h = new CheckingHandler();
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<Object> outcome = new AtomicReference<>();
        try (ReadAheadSource src = new ReadAheadSource(endless, "f.pcap", SMALL_RING)) {
            Thread consumer = Thread.ofPlatform().start(() -> {
                try {
                    outcome.set(src.run((frame, len, ts) -> {
                        h.onFrame(frame, len, ts);
                        started.countDown();
                    }));
                } catch (CaptureException e) {
                    outcome.set(e);
                }
            });
            assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();
            src.stop();
            consumer.join(TimeUnit.SECONDS.toMillis(20));
            assertThat(consumer.isAlive()).as("run() returned after stop()").isFalse();
        }
        assertThat(outcome.get()).isInstanceOf(Long.class).isEqualTo(h.seen);
        assertThat(h.mismatch).isNull();
        assertThat(endless.readerThread.isAlive()).isFalse();
    }

    @Test
    void readAheadChoices() {
        assertThat(CaptureFiles.ReadAhead.parse("Auto")).isEqualTo(CaptureFiles.ReadAhead.AUTO);
        assertThat(CaptureFiles.ReadAhead.AUTO.enabled(1)).isFalse();
        assertThat(CaptureFiles.ReadAhead.AUTO.enabled(2)).isTrue();
        assertThat(CaptureFiles.ReadAhead.ON.enabled(1)).isTrue();
        assertThat(CaptureFiles.ReadAhead.OFF.enabled(8)).isFalse();
        assertThatThrownBy(() -> CaptureFiles.ReadAhead.parse("yes"))
                .hasMessage("read-ahead: yes (expected: auto, on or off)");
        assertThatThrownBy(() -> new FrameRing(FrameRing.MIN_CAPACITY / 2))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FrameRing(FrameRing.MIN_CAPACITY + 16))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
