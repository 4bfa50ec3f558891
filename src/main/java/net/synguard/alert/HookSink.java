package net.synguard.alert;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passes every event on, and also to an operator's command with the JSON line on its stdin, like
 * FastNetMon's notify script. The command runs on its own thread, one event at a time, from a
 * bounded queue: a slow or hung hook never holds up the capture thread; what does not fit in the
 * queue is counted and logged, and a hook that outlives its timeout is killed.
 */
public final class HookSink implements AlertSink, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HookSink.class);
    private static final int QUEUE = 256;

    private final AlertSink next;
    private final List<String> command;
    private final Duration timeout;
    private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(QUEUE);
    private final Thread worker;
    private final LongAdder dropped = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder ran = new LongAdder();
    private volatile boolean closed;

    public HookSink(AlertSink next, List<String> command, Duration timeout) {
        this.next = next;
        this.command = List.copyOf(command);
        this.timeout = timeout;
        this.worker = Thread.ofPlatform().name("alert-hook").daemon(true).start(this::work);
    }

    @Override
    public void publish(String event, String jsonLine, String summary) {
        next.publish(event, jsonLine, summary);
        if (!queue.offer(jsonLine)) {
            dropped.increment();
            LOG.warn("alert hook queue full ({} events): {} not passed to {}", QUEUE, event, command.getFirst());
        }
    }

    private void work() {
        while (!closed || !queue.isEmpty()) {
            try {
                String line = queue.poll(200, TimeUnit.MILLISECONDS);
                if (line != null) {
                    runOnce(line);
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void runOnce(String line) throws InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
        } catch (IOException e) {
            failed.increment();
            LOG.warn("alert hook {} cannot start: {}", command.getFirst(), e.getMessage());
            return;
        }
        try (OutputStream in = p.getOutputStream()) {
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // The hook closed its stdin early; its exit status says whether that was a failure.
        }
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            failed.increment();
            LOG.warn("alert hook {} killed after {} ms", command.getFirst(), timeout.toMillis());
            return;
        }
        ran.increment();
        if (p.exitValue() != 0) {
            failed.increment();
            LOG.warn("alert hook {} exited {}", command.getFirst(), p.exitValue());
        }
    }

    public long dropped() {
        return dropped.sum();
    }

    public long failed() {
        return failed.sum();
    }

    public long ran() {
        return ran.sum();
    }

    /** Lets queued events run (up to the timeout each), then stops the worker. */
    @Override
    public void close() {
        closed = true;
        try {
            worker.join(timeout.toMillis() * (queue.size() + 1) + 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
