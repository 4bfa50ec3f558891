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
}
