package net.synguard.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class QueuedSenderTest {
    @Test
    void framesLeaveInOrderOnTheSendersThread() throws Exception {
        List<Integer> seen = new ArrayList<>();
        List<String> threads = new ArrayList<>();
        CountDownLatch all = new CountDownLatch(10_000);
        try (QueuedSender q = new QueuedSender(
                (frame, length) -> {
                    synchronized (seen) {
                        seen.add((frame[0] & 0xFF) << 8 | (frame[1] & 0xFF));
                        if (threads.isEmpty()) {
                            threads.add(Thread.currentThread().getName());
                        }
                    }
                    all.countDown();
                    return true;
                },
                64,
                128,
                "send-test")) {
            byte[] f = new byte[60];
            int queued = 0;
            for (int i = 0; i < 10_000; i++) {
                f[0] = (byte) (i >>> 8);
                f[1] = (byte) i;
                while (!q.send(f, 60)) {
                    Thread.onSpinWait(); // full: the consumer is behind
                }
                queued++;
            }
            assertThat(all.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(queued).isEqualTo(10_000);
            assertThat(q.sent()).isEqualTo(10_000);
        }
        synchronized (seen) {
            for (int i = 0; i < seen.size(); i++) {
                assertThat(seen.get(i)).isEqualTo(i & 0xFFFF);
            }
            assertThat(threads).containsExactly("send-test");
        }
    }

    @Test
    void aFullRingDropsAndCountsAndAFailedSendIsCounted() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (QueuedSender q = new QueuedSender(
                (frame, length) -> {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return false;
                },
                4,
                128,
                "send-full")) {
            byte[] f = new byte[60];
            int accepted = 0;
            for (int i = 0; i < 20; i++) {
                if (q.send(f, 60)) {
                    accepted++;
                }
            }
            // 4 slots, and the consumer may hold one frame it took: 4 or 5 accepted.
            assertThat(accepted).isBetween(4, 5);
            assertThat(q.queueFull()).isEqualTo(20 - accepted);
            assertThat(q.send(new byte[200], 200)).as("longer than a slot").isFalse();
            release.countDown();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (q.failed() < accepted && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(q.failed()).isEqualTo(accepted);
        }
    }

    @Test
    void aRunTakesWhatIsQueuedUpToTheRingsEndAndTheBatch() {
        assertThat(QueuedSender.runLength(0, 100, 64, 32)).as("the batch").isEqualTo(32);
        assertThat(QueuedSender.runLength(5, 3, 64, 32)).as("what is queued").isEqualTo(3);
        assertThat(QueuedSender.runLength(60, 10, 64, 32)).as("the ring's end").isEqualTo(4);
        assertThat(QueuedSender.runLength(63, 1, 64, 1)).isEqualTo(1);
    }

    /**
     * A batch target that holds its first call until released (so that frames pile up), records
     * each run it gets, checks every frame of it, and refuses every frame whose first byte is a
     * multiple of 7: what the queue counts as sent and failed must follow what the target said.
     */
    private static final class RecordingBatchSender implements BatchSender {
        final CountDownLatch firstCall = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final List<int[]> runs = new ArrayList<>();
        final List<Integer> order = new ArrayList<>();
        final byte[] copy = new byte[128];
        int expectedRefused;
        String wrong;

        @Override
        public boolean send(byte[] frame, int length) {
            wrong = "a batch target got a single frame";
            return false;
        }

        @Override
        public int sendBatch(SendRing ring, int first, int count) {
            firstCall.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            int ok = 0;
            synchronized (this) {
                runs.add(new int[] {first, count});
                for (int i = first; i < first + count; i++) {
                    int length = ring.copyOut(i, copy);
                    int n = (copy[0] & 0xFF) << 8 | (copy[1] & 0xFF);
                    order.add(n);
                    if (length != 60 + n % 30 && wrong == null) {
                        wrong = "frame " + n + " has length " + length;
                    }
                    if (n % 7 == 0) {
                        expectedRefused++;
                    } else {
                        ok++;
                    }
                }
            }
            return ok;
        }
    }

    @Test
    void aBatchTargetGetsRunsOfQueuedFramesAndTheQueueCountsWhatItSaid() throws Exception {
        RecordingBatchSender target = new RecordingBatchSender();
        int frames = 3000;
        try (QueuedSender q = new QueuedSender(target, 256, 128, 32, "send-batch")) {
            byte[] f = new byte[128];
            for (int i = 0; i < frames; i++) {
                f[0] = (byte) (i >>> 8);
                f[1] = (byte) i;
                while (!q.send(f, 60 + i % 30)) {
                    Thread.onSpinWait(); // full: the consumer is behind (or held)
                }
                if (i == 0) {
                    assertThat(target.firstCall.await(10, TimeUnit.SECONDS)).isTrue();
                }
                if (i == 200) {
                    target.release.countDown(); // 200 queued behind the held call
                }
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (q.sent() + q.failed() < frames && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            synchronized (target) {
                assertThat(target.wrong).isNull();
                assertThat(target.order).hasSize(frames);
                for (int i = 0; i < frames; i++) {
                    assertThat(target.order.get(i)).isEqualTo(i);
                }
                assertThat(q.failed()).isEqualTo(target.expectedRefused).isEqualTo((frames + 6) / 7);
                assertThat(q.sent()).isEqualTo(frames - target.expectedRefused);
                assertThat(q.calls()).isEqualTo(target.runs.size());
                int biggest = 0;
                for (int[] run : target.runs) {
                    assertThat(run[1]).isBetween(1, 32);
                    assertThat(run[0] + run[1]).as("a run does not wrap").isLessThanOrEqualTo(256);
                    biggest = Math.max(biggest, run[1]);
                }
                assertThat(biggest).as("the backlog went in full batches").isEqualTo(32);
            }
        }
    }
}
