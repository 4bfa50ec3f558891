package net.synguard.daemon;

import java.util.concurrent.atomic.AtomicReference;
import net.synguard.alert.AlertSink;
import net.synguard.alert.DaemonEvents;
import net.synguard.alert.EventContext;
import net.synguard.capture.BatchSender;
import net.synguard.capture.CaptureException;
import net.synguard.capture.CaptureStats;
import net.synguard.capture.FrameHandler;
import net.synguard.capture.LiveCaptureSource;
import net.synguard.capture.QueuedSender;
import net.synguard.capture.SendRing;
import net.synguard.config.SynguardConfig;
import net.synguard.control.InterfaceStatus;
import net.synguard.mitigate.Mitigation;
import net.synguard.pipeline.Pipeline;
import net.synguard.time.WallClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One interface's capture thread: opens the handle, feeds the pipeline, and when the interface
 * goes down or away, says so once ({@code capture_error}, action {@code retrying}), retries every
 * second, and says so again when it is back ({@code reopened}). The pipeline and all its state
 * outlive the handle. Nothing that goes wrong here ends the thread, except {@link #stop}.
 */
final class CaptureLoop implements Runnable, FrameHandler, BatchSender {
    private static final Logger LOG = LoggerFactory.getLogger(CaptureLoop.class);
    private static final long RETRY_MS = 1000;
    private static final long HOUSEKEEPING_NS = 1_000_000_000L;
    /** Answers waiting to be sent: about 40 ms of a veth's send rate here; more would only be stale. */
    private static final int SEND_QUEUE_FRAMES = 4096;
    /** The longest answer (SynAckBuilder.MAX_FRAME_LENGTH is 98), rounded up. */
    private static final int SEND_SLOT_BYTES = 128;

    private final String iface;
    private final SynguardConfig startConfig;
    private final AlertSink sink;
    private final EventContext context;
    private final Mitigation mitigation;
    private final QueuedSender sendQueue;
    private final AtomicReference<SynguardConfig> pending = new AtomicReference<>();
    private final Object retryLock = new Object();
    private volatile boolean stopped;
    private volatile LiveCaptureSource current;
    private volatile CaptureStats stats = CaptureStats.NONE;
    private volatile Pipeline pipeline;
    private volatile InterfaceStatus status;
    private long nextHousekeepingNs;
    private long reopens;
    private boolean linkDown;

    CaptureLoop(String iface, SynguardConfig startConfig, AlertSink sink, EventContext context, Mitigation mitigation) {
        this.iface = iface;
        this.mitigation = mitigation;
        // The responder's answers leave from a thread of their own (see QueuedSender), through
        // whichever handle is open then.
        this.sendQueue = new QueuedSender(this, SEND_QUEUE_FRAMES, SEND_SLOT_BYTES, "send-" + iface);
        this.startConfig = startConfig;
        this.sink = sink;
        this.context = context;
    }

    @Override
    public void run() {
        boolean failing = false;
        while (!stopped) {
            try (LiveCaptureSource src = LiveCaptureSource.open(options(), n -> LOG.warn("{}: {}", iface, n))) {
                current = src;
                if (pipeline == null) {
                    pipeline = new Pipeline(startConfig, src.linkType(), sink, context, mitigation, sendQueue);
                    // Both live engines say when their buffer is empty (onDrained), so held frames
                    // wait only for frames already captured.
                    pipeline.holdBack(Pipeline.PREFETCH_DEPTH);
                    LOG.info("capturing on {} ({})", iface, src.describe());
                }
                if (failing) {
                    failing = false;
                    reopens++;
                    DaemonEvents.captureError(sink, WallClock.nowNs(), iface, "reopened", "capturing again");
                }
                if (stopped) {
                    return;
                }
                src.run(this);
                pipeline.onDrained();
            } catch (CaptureException e) {
                if (!failing && !stopped) {
                    failing = true;
                    DaemonEvents.captureError(sink, WallClock.nowNs(), iface, "retrying", e.getMessage());
                }
            } catch (RuntimeException | Error e) {
                // A bug must not silently end protection of this interface: report it, keep going.
                LOG.error("capture on {} failed", iface, e);
                if (!failing) {
                    failing = true;
                    DaemonEvents.captureError(sink, WallClock.nowNs(), iface, "retrying", e.toString());
                }
            } finally {
                current = null;
            }
            publishStatus(false);
            pauseBeforeRetry();
        }
    }

    private LiveCaptureSource.Options options() {
        return new LiveCaptureSource.Options(
                iface,
                startConfig.capture().snaplen(),
                (int) Math.min(Integer.MAX_VALUE, startConfig.capture().bufferSizeBytes()),
                (int) Math.max(1, startConfig.capture().tick().toMillis()),
                startConfig.capture().filter(),
                startConfig.capture().engine());
    }

    private void pauseBeforeRetry() {
        synchronized (retryLock) {
            if (!stopped) {
                try {
                    retryLock.wait(RETRY_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    stopped = true;
                }
            }
        }
    }

    @Override
    public void onFrame(byte[] frame, int capturedLength, long timestampNs) {
        Pipeline p = pipeline;
        p.onFrame(frame, capturedLength, timestampNs);
        if (timestampNs >= nextHousekeepingNs) {
            housekeeping(timestampNs);
        }
    }

    /**
     * The real send, on the send queue's thread: whichever handle is open now (the pipeline
     * outlives handles).
     */
    @Override
    public boolean send(byte[] frame, int length) {
        LiveCaptureSource src = current;
        boolean ok = src != null && src.send(frame, length);
        if (!ok && mitigation != null) {
            mitigation.sendFailed();
        }
        return ok;
    }

    /** A run of queued answers at once (one sendmmsg), through whichever handle is open now. */
    @Override
    public int sendBatch(SendRing ring, int first, int count) {
        LiveCaptureSource src = current;
        int sent = src != null ? src.sendBatch(ring, first, count) : 0;
        if (mitigation != null) {
            for (int i = sent; i < count; i++) {
                mitigation.sendFailed();
            }
        }
        return sent;
    }

    @Override
    public void onDrained() {
        pipeline.onDrained();
    }

    @Override
    public void onIdle(long nowNs) {
        pipeline.onIdle(nowNs);
        if (nowNs >= nextHousekeepingNs) {
            housekeeping(nowNs);
        }
    }

    /** Once a second, on the capture thread: capture counters, and a reloaded config if any. */
    private void housekeeping(long nowNs) {
        nextHousekeepingNs = nowNs + HOUSEKEEPING_NS;
        LiveCaptureSource src = current;
        if (src != null) {
            stats = src.stats();
        }
        watchLink();
        SynguardConfig next = pending.getAndSet(null);
        if (next != null) {
            pipeline.reconfigure(next);
        }
        publishStatus(true);
    }

    /**
     * An interface set down does not fail the capture (libpcap keeps the socket and frames flow
     * again once it is up), but nothing arrives meanwhile, and an operator must know: the link's
     * IFF_UP flag is checked once a second and each change is reported.
     */
    private void watchLink() {
        Boolean up = LinkState.isUp(iface);
        if (up == null || up != linkDown) {
            return;
        }
        linkDown = !up;
        DaemonEvents.captureError(
                sink,
                WallClock.nowNs(),
                iface,
                up ? "interface_up" : "interface_down",
                up ? "the interface is up again; capturing" : "the interface is down: no frames until it is up");
    }

    private void publishStatus(boolean capturing) {
        Pipeline p = pipeline;
        status = p == null
                ? InterfaceStatus.notCapturing(iface, reopens)
                : StatusBuilder.of(iface, capturing, p, stats, reopens);
    }

    /** What this capture saw as of its last second: safe to read from any thread. */
    InterfaceStatus status() {
        InterfaceStatus s = status;
        return s != null ? s : InterfaceStatus.notCapturing(iface, reopens);
    }

    /** Hands a reloaded config to the capture thread, which applies it within a second. */
    void offer(SynguardConfig next) {
        pending.set(next);
    }

    void stop() {
        stopped = true;
        sendQueue.close();
        LiveCaptureSource src = current;
        if (src != null) {
            src.stop();
        }
        synchronized (retryLock) {
            retryLock.notifyAll();
        }
    }

    String iface() {
        return iface;
    }
}
