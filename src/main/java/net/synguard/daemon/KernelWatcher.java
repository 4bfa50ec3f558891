package net.synguard.daemon;

import java.io.IOException;
import net.synguard.alert.EventContext;
import net.synguard.alert.JsonLine;
import net.synguard.kernel.KernelSnapshot;
import net.synguard.kernel.KernelView;
import net.synguard.kernel.TcpExtCounters;
import net.synguard.time.WallClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the kernel's own view of backlog pressure once a second, on its own thread (a large
 * /proc/net/tcp must not hold up a capture thread), and adds it to attack events: SYN_RECV sockets,
 * and whether the kernel is answering with SYN cookies or dropping SYNs, from the TcpExt counters'
 * rise over the last interval. /proc/net is per network namespace: this is the namespace the
 * daemon runs in, the one its interfaces are in.
 */
final class KernelWatcher implements EventContext, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KernelWatcher.class);
    private static final long PERIOD_MS = 1000;

    private final KernelView view;
    private final Thread thread;
    private volatile KernelSnapshot previous;
    private volatile KernelSnapshot latest;
    private volatile boolean closed;
    private boolean warned;

    KernelWatcher(KernelView view) {
        this.view = view;
        this.thread = Thread.ofPlatform().name("kernel-view").daemon(true).start(this::loop);
    }

    private void loop() {
        while (!closed) {
            try {
                KernelSnapshot s = view.read(WallClock.nowNs());
                previous = latest;
                latest = s;
                warned = false;
            } catch (IOException e) {
                if (!warned) {
                    LOG.warn("cannot read the kernel's counters: {}", e.getMessage());
                    warned = true;
                }
            }
            try {
                Thread.sleep(PERIOD_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The latest reading and the one before it (null until two readings exist). */
    KernelSnapshot latest() {
        return latest;
    }

    KernelSnapshot previous() {
        return previous;
    }

    @Override
    public void addTo(JsonLine event) {
        KernelSnapshot now = latest;
        KernelSnapshot before = previous;
        if (now == null) {
            return;
        }
        event.beginObject("kernel");
        event.field("syn_recv", now.synRecvTotal());
        if (before != null) {
            double seconds = Math.max(1e-3, (now.readTimeNs() - before.readTimeNs()) / 1e9);
            TcpExtCounters d = now.countersSince(before);
            event.field("state", now.synState(before));
            rate(event, "syncookies_sent_per_s", d.syncookiesSent(), seconds);
            rate(event, "listen_drops_per_s", d.listenDrops(), seconds);
            rate(event, "listen_overflows_per_s", d.listenOverflows(), seconds);
            rate(event, "reqq_full_drops_per_s", d.tcpReqQFullDrop(), seconds);
        }
        event.endObject();
    }

    private static void rate(JsonLine event, String key, long delta, double seconds) {
        if (TcpExtCounters.isPresent(delta)) {
            event.field(key, Math.round(delta / seconds));
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
