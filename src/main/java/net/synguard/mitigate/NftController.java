package net.synguard.mitigate;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import net.synguard.decode.Address;
import net.synguard.mitigate.NftCommand.Kind;
import net.synguard.time.WallClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps synguard's nftables table: installs it, feeds set updates to a long-lived {@code nft -i}
 * child, removes it again (fail open, DESIGN.md decision 6).
 *
 * <p>The capture thread calls {@link #verify}, {@link #block}, {@link #unblock}, {@link #activate}
 * and {@link #deactivate}; each validates its arguments, stamps the command and offers it to a
 * bounded queue: {@code false} when refused (a bad address, timeout or service: counted in {@link
 * #refused}) or when the queue is full (counted in {@link #queueFull}); it never blocks and never
 * throws. One thread, "nft", drains the queue, writes up to {@value #MAX_BATCH} commands as one
 * line (one kernel transaction), and waits for nft's acknowledgement: the time from the offer to
 * that acknowledgement is the latency to the kernel, kept in {@link #latency}.
 *
 * <p>When nft cannot be started or exits, the listener hears it once ({@link
 * Listener#nftFailed}), commands taken meanwhile are counted as {@link #lost}, and the thread
 * restarts nft with an exponential backoff; the first command applied afterwards calls {@link
 * Listener#nftRecovered}. Detection goes on regardless: nothing here throws to the caller.
 *
 * <p>The table itself is checked too: once a second while idle, and at once after nft refused a
 * line, the thread sends {@value #PROBE} through the same child, a transaction that changes nothing
 * while the table is there and fails while it is not. A table found missing (deleted by hand, a
 * firewall reload that flushed the ruleset, a set-up that failed while nft was missing) is
 * installed again in one {@code nft -f} transaction together with the state the listener holds
 * ({@link Listener#appendState}: active services, verified and blocked sources with what is left
 * of their timeouts), then the listener hears {@link Listener#tableRestored}. Commands queued
 * meanwhile go through after it, in order.
 */
public final class NftController implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NftController.class);
    /** Commands per nft line: about 250 characters each, so lines stay near 4 KiB. */
    static final int MAX_BATCH = 16;

    private static final long IDLE_POLL_MS = 50;
    /** How often the table's presence is checked while nft answers. */
    private static final long CHECK_INTERVAL_NS = 1_000_000_000L;
    /**
     * Re-declares a set of the table exactly as {@link NftRuleset#table} declares it: the kernel
     * treats it as a no-op (a transaction nft acknowledges, nothing changed) while the table exists
     * and refuses it with "No such file or directory" when it does not.
     */
    static final String PROBE = "add set " + NftRuleset.QUALIFIED + " verified4 { type ipv4_addr; flags timeout; }";

    /** What the daemon turns into {@code mitigation_error} events. */
    public interface Listener {
        /** Enforcement is not working (nft missing, died, set-up failed): the host is failing open. */
        void nftFailed(String reason);

        /** nft applies commands again after a failure. */
        default void nftRecovered() {}

        /**
         * Appends {@code add element} lines for what the table should hold now (active services,
         * verified and blocked sources) to a restore script; returns how many elements it wrote.
         * Called on the nft thread.
         */
        default int appendState(StringBuilder script) {
            return 0;
        }

        /**
         * The table was found missing and has been installed again with {@code elements} elements;
         * it had been there {@code absentAtMostMs} before (the last check that found it, or the
         * set-up): the longest the host can have been without it.
         */
        default void tableRestored(String reason, int elements, long absentAtMostMs) {}
    }

    /**
     * @param command the words that run nft ({@code ["nft"]}; {@code ["ip", "netns", "exec", NS,
     *     "nft"]} in a namespace)
     * @param replyTimeout how long one line may take before nft is considered hung and restarted
     * @param setUpTimeout how long {@code nft -f} may take to install or remove the table
     */
    public record Options(
            List<String> command,
            int queueCapacity,
            Duration replyTimeout,
            Duration setUpTimeout,
            Duration minBackoff,
            Duration maxBackoff) {
        public Options {
            command = List.copyOf(command);
            if (command.isEmpty() || queueCapacity < 1) {
                throw new IllegalArgumentException("nft command empty or queue capacity " + queueCapacity
                        + " (expected a command and a capacity of 1 or more)");
            }
        }

        public static Options defaults() {
            return new Options(
                    List.of("nft"),
                    4096,
                    Duration.ofSeconds(2),
                    Duration.ofSeconds(10),
                    Duration.ofMillis(100),
                    Duration.ofSeconds(30));
        }

        public Options withCommand(List<String> newCommand) {
            return new Options(newCommand, queueCapacity, replyTimeout, setUpTimeout, minBackoff, maxBackoff);
        }

        public Options withQueueCapacity(int capacity) {
            return new Options(command, capacity, replyTimeout, setUpTimeout, minBackoff, maxBackoff);
        }
    }

    private final NftRuleset ruleset;
    private final Options options;
    private final Listener listener;
    private final BlockingQueue<NftCommand> queue;
    private final NftLatency latency = new NftLatency();
    private final LongAdder offered = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder queueFull = new LongAdder();
    private final LongAdder applied = new LongAdder();
    private final LongAdder failedCommands = new LongAdder();
    private final LongAdder lost = new LongAdder();
    private final LongAdder errorLines = new LongAdder();
    private final LongAdder starts = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder restores = new LongAdder();
    private final Object progress = new Object();
    private final AtomicReference<Thread> worker = new AtomicReference<>();
    private volatile boolean closed;
    /** Enqueue time (monotonic) of the newest command nft has applied: see {@link #appliedThroughNs}. */
    private volatile long appliedThroughNs = Long.MIN_VALUE;

    // Owned by the worker thread.
    private NftChild child;
    private boolean failing;
    private long backoffNs;
    private long nextStartNs;
    private long nextCheckNs;
    /** When the table was last known to be there (monotonic); see {@link Listener#tableRestored}. */
    private volatile long tableSeenNs = WallClock.monotonicNs();

    public NftController(NftRuleset ruleset, Options options, Listener listener) {
        this.ruleset = Objects.requireNonNull(ruleset, "ruleset");
        this.options = Objects.requireNonNull(options, "options");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.queue = new ArrayBlockingQueue<>(options.queueCapacity());
        this.backoffNs = options.minBackoff().toNanos();
    }

    // ------------------------------------------------------------------ table

    /** Checks the table's syntax against nft without touching the kernel ({@code nft -c -f -}). */
    public boolean check() {
        return runScript(List.of("-c", "-f", "-"), ruleset.script(), "check") == null;
    }

    /**
     * Installs the table in one transaction, replacing any earlier one (a crash's leftover).
     * {@code false}, reported to the listener, when nft is missing or refuses it.
     */
    public boolean setUp() {
        return setUp("");
    }

    /**
     * As {@link #setUp()}, with {@code elements} ({@code add element} lines, e.g. the services
     * active from the start) in the same transaction.
     */
    public boolean setUp(String elements) {
        String error = runScript(List.of("-f", "-"), ruleset.script() + elements, "set-up");
        if (error == null) {
            tableSeenNs = WallClock.monotonicNs();
            LOG.info(
                    "nftables table {} installed ({} protected services)",
                    NftRuleset.QUALIFIED,
                    ruleset.services().size());
        }
        return error == null;
    }

    /** Removes the table if it is there (fail open). {@code false}, reported, when nft fails. */
    public boolean tearDown() {
        return runScript(List.of("-f", "-"), NftRuleset.removeScript(), "tear-down") == null;
    }

    /** Runs nft with {@code args} and {@code script} on stdin; null on success, else the reason (reported). */
    private String runScript(List<String> args, String script, String what) {
        List<String> cmd = new ArrayList<>(options.command());
        cmd.addAll(args);
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            return report("nft " + what + ": cannot run " + options.command() + ": " + e.getMessage());
        }
        StringBuilder output = new StringBuilder();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (InputStream in = p.getInputStream()) {
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                synchronized (output) {
                    output.append(text);
                }
            } catch (IOException e) {
                // Process gone; its status says enough.
            }
        });
        try (OutputStream in = p.getOutputStream()) {
            in.write(script.getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            // nft exited before reading everything; its status and output say why.
        }
        try {
            if (!p.waitFor(options.setUpTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return report("nft " + what + ": no answer within "
                        + options.setUpTimeout().toMillis() + " ms");
            }
            reader.join(1000);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return report("nft " + what + ": interrupted");
        }
        if (p.exitValue() != 0) {
            String text;
            synchronized (output) {
                text = output.toString().strip().replace('\n', ' ');
            }
            return report("nft " + what + " failed (status " + p.exitValue() + "): " + text);
        }
        return null;
    }

    private String report(String reason) {
        failures.increment();
        LOG.warn("{}", reason);
        notifyFailed(reason);
        return reason;
    }

    // ------------------------------------------------------------------ commands (capture thread)

    /** Lets SYNs from {@code (hi, lo)} through for {@code timeoutMs}, restarting any earlier timeout. */
    public boolean verify(long hi, long lo, long timeoutMs) {
        return offer(Kind.VERIFY, hi, lo, 0, timeoutMs);
    }

    public boolean verify(Address source, Duration timeout) {
        return verify(source.hi(), source.lo(), timeout.toMillis());
    }

    /** Drops SYNs from {@code (hi, lo)} to protected services for {@code timeoutMs}. */
    public boolean block(long hi, long lo, long timeoutMs) {
        return offer(Kind.BLOCK, hi, lo, 0, timeoutMs);
    }

    public boolean block(Address source, Duration timeout) {
        return block(source.hi(), source.lo(), timeout.toMillis());
    }

    /** Ends a block early; harmless when the source is not blocked. */
    public boolean unblock(long hi, long lo) {
        return offer(Kind.UNBLOCK, hi, lo, 0, 0);
    }

    public boolean unblock(Address source) {
        return unblock(source.hi(), source.lo());
    }

    /** Starts enforcement for one of the ruleset's services: unverified sources' SYNs are dropped. */
    public boolean activate(NftService service) {
        return offerService(Kind.ACTIVATE, service);
    }

    /** Ends enforcement for a service; harmless when it was not active. */
    public boolean deactivate(NftService service) {
        return offerService(Kind.DEACTIVATE, service);
    }

    private boolean offerService(Kind kind, NftService service) {
        if (service == null || !ruleset.protects(service)) {
            refused.increment();
            return false;
        }
        return offer(kind, service.hi(), service.lo(), service.port(), 0);
    }

    private boolean offer(Kind kind, long hi, long lo, int port, long timeoutMs) {
        return offerAt(kind, hi, lo, port, timeoutMs) != NOT_QUEUED;
    }

    /**
     * As {@link #verify(long, long, long)}, returning the command's monotonic enqueue time: nft has
     * applied it once {@link #appliedThroughNs()} reaches that time. {@link #NOT_QUEUED} when it was
     * not taken.
     */
    public long verifyAt(long hi, long lo, long timeoutMs) {
        return offerAt(Kind.VERIFY, hi, lo, 0, timeoutMs);
    }

    /** What {@link #verifyAt} returns for a command it did not take. */
    public static final long NOT_QUEUED = Long.MIN_VALUE;

    private long offerAt(Kind kind, long hi, long lo, int port, long timeoutMs) {
        boolean timed = kind == Kind.VERIFY || kind == Kind.BLOCK;
        if (!NftAddresses.acceptable(hi, lo)
                || (timed && (timeoutMs < 1 || timeoutMs > NftCommand.MAX_TIMEOUT_MS))
                || closed) {
            refused.increment();
            return NOT_QUEUED;
        }
        long enqueuedNs = WallClock.monotonicNs();
        if (!queue.offer(new NftCommand(kind, hi, lo, port, timeoutMs, enqueuedNs))) {
            queueFull.increment();
            return NOT_QUEUED;
        }
        offered.increment();
        return enqueuedNs;
    }

    // ------------------------------------------------------------------ the nft thread

    /** Starts the nft thread and its {@code nft -i} child. */
    public void start() {
        Thread t = Thread.ofPlatform().name("nft").daemon(true).unstarted(this::work);
        if (worker.compareAndSet(null, t)) {
            t.start();
        }
    }

    private void work() {
        List<NftCommand> batch = new ArrayList<>(MAX_BATCH);
        StringBuilder line = new StringBuilder(4096);
        ensureChild();
        while (true) {
            NftCommand first;
            try {
                first = queue.poll(IDLE_POLL_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                break;
            }
            if (first == null) {
                if (closed) {
                    break;
                }
                if (ensureChild()) {
                    checkTable();
                }
                continue;
            }
            batch.clear();
            batch.add(first);
            queue.drainTo(batch, MAX_BATCH - 1);
            if (!ensureChild()) {
                lost.add(batch.size());
                signalProgress();
                continue;
            }
            line.setLength(0);
            for (NftCommand c : batch) {
                if (!line.isEmpty()) {
                    line.append("; ");
                }
                c.appendTo(line);
            }
            send(line.toString(), batch);
            signalProgress();
            // A busy queue never idles: check between batches too, at the same pace.
            if (!closed && child != null) {
                checkTable();
            }
        }
        if (child != null) {
            child.close();
            child = null;
        }
        signalProgress();
    }

    private void send(String text, List<NftCommand> batch) {
        NftChild.Reply reply;
        try {
            reply = child.send(text, options.replyTimeout().toMillis());
        } catch (IOException e) {
            reply = NftChild.Reply.EXITED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            lost.add(batch.size());
            return;
        }
        if (reply == NftChild.Reply.APPLIED) {
            long now = WallClock.monotonicNs();
            long through = appliedThroughNs;
            for (NftCommand c : batch) {
                latency.record(now - c.enqueuedNs());
                through = Math.max(through, c.enqueuedNs());
            }
            appliedThroughNs = through;
            applied.add(batch.size());
            if (failing) {
                failing = false;
                backoffNs = options.minBackoff().toNanos();
                LOG.info("nft applies commands again");
                try {
                    listener.nftRecovered();
                } catch (RuntimeException e) {
                    LOG.warn("nft listener failed", e);
                }
            }
        } else if (reply == NftChild.Reply.ERROR) {
            failedCommands.add(batch.size());
            LOG.warn("nft refused {} commands: {}", batch.size(), child.lastError());
            // Set updates fail when the table has gone: look now, not at the next second.
            nextCheckNs = 0;
        } else {
            lost.add(batch.size());
            String why = reply == null
                    ? "no answer within " + options.replyTimeout().toMillis() + " ms"
                    : child.exitDescription();
            childFailed("nft -i " + why);
        }
    }

    /**
     * Sends {@link #PROBE} when a check is due; restores the table when nft says it is missing.
     * Runs on the nft thread with a live child.
     */
    private void checkTable() {
        long now = WallClock.monotonicNs();
        if (now < nextCheckNs) {
            return;
        }
        nextCheckNs = now + CHECK_INTERVAL_NS;
        NftChild.Reply reply;
        try {
            reply = child.send(PROBE, options.replyTimeout().toMillis());
        } catch (IOException e) {
            reply = NftChild.Reply.EXITED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (reply == NftChild.Reply.APPLIED) {
            tableSeenNs = WallClock.monotonicNs();
        } else if (reply == NftChild.Reply.ERROR) {
            restore("table " + NftRuleset.QUALIFIED + " missing (" + child.lastError() + ")");
        } else if (reply != NftChild.Reply.APPLIED) {
            childFailed("nft -i " + (reply == null ? "no answer to the table check" : child.exitDescription()));
        }
    }

    /** Installs the table again with the listener's state, in one transaction. */
    private void restore(String reason) {
        StringBuilder script = new StringBuilder(ruleset.script());
        int elements;
        try {
            elements = listener.appendState(script);
        } catch (RuntimeException e) {
            LOG.warn("nft listener failed to list its state; restoring an empty table", e);
            script.setLength(0);
            script.append(ruleset.script());
            elements = 0;
        }
        LOG.warn("{}: installing it again with {} elements", reason, elements);
        if (runScript(List.of("-f", "-"), script.toString(), "restore") != null) {
            // Reported by runScript; tried again at the next check.
            return;
        }
        restores.increment();
        long now = WallClock.monotonicNs();
        long absentMs = (now - tableSeenNs) / 1_000_000L;
        tableSeenNs = now;
        LOG.warn(
                "nftables table {} restored ({} elements; absent for at most {} ms)",
                NftRuleset.QUALIFIED,
                elements,
                absentMs);
        try {
            listener.tableRestored(reason, elements, absentMs);
        } catch (RuntimeException e) {
            LOG.warn("nft listener failed", e);
        }
    }

    /** Whether a child is running; starts one when none is and the backoff allows. */
    private boolean ensureChild() {
        if (child != null && child.isAlive()) {
            return true;
        }
        if (child != null) {
            childFailed("nft -i " + child.exitDescription());
        }
        if (closed || WallClock.monotonicNs() < nextStartNs) {
            return false;
        }
        List<String> cmd = new ArrayList<>(options.command());
        cmd.add("--echo");
        cmd.add("--interactive");
        try {
            child = NftChild.start(cmd, errorLines);
            starts.increment();
            return true;
        } catch (IOException e) {
            fail("cannot run " + options.command() + ": " + e.getMessage());
            return false;
        }
    }

    private void childFailed(String reason) {
        child.close();
        child = null;
        fail(reason);
    }

    private void fail(String reason) {
        failures.increment();
        nextStartNs = WallClock.monotonicNs() + backoffNs;
        backoffNs = Math.min(backoffNs * 2, options.maxBackoff().toNanos());
        if (failing) {
            LOG.debug("nft still failing: {}", reason);
            return;
        }
        failing = true;
        LOG.warn("nft failed, enforcement off until it is back (retrying with backoff): {}", reason);
        notifyFailed(reason);
    }

    private void notifyFailed(String reason) {
        try {
            listener.nftFailed(reason);
        } catch (RuntimeException e) {
            LOG.warn("nft listener failed", e);
        }
    }

    private void signalProgress() {
        synchronized (progress) {
            progress.notifyAll();
        }
    }

    /**
     * Waits until every command accepted so far has been applied, refused by nft or lost; for
     * shutdown and tests. {@code false} when that took longer than {@code timeout}.
     */
    public boolean flush(Duration timeout) throws InterruptedException {
        long deadline = WallClock.monotonicNs() + timeout.toNanos();
        synchronized (progress) {
            while (offered.sum() > applied.sum() + failedCommands.sum() + lost.sum()) {
                long left = deadline - WallClock.monotonicNs();
                if (left <= 0) {
                    return false;
                }
                progress.wait(Math.max(1, left / 1_000_000));
            }
        }
        return true;
    }

    /**
     * Stops taking commands, lets the queued ones through (each bounded by the reply timeout),
     * stops nft and removes the table: whatever enforcement was on ends with the daemon.
     */
    @Override
    public void close() {
        closed = true;
        Thread t = worker.get();
        if (t != null) {
            try {
                t.join(options.replyTimeout().toMillis() * (queue.size() / MAX_BATCH + 2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) {
                t.interrupt();
            }
        }
        tearDown();
    }

    // ------------------------------------------------------------------ counters

    /**
     * The monotonic enqueue time of the newest command nft has applied: a command offered at or
     * before it is in the kernel (the queue is FIFO; two threads offering in the same microsecond
     * may swap places, which at worst calls one command applied a moment early). The responder
     * uses it to know whether a source it verified can pass the drop rule yet.
     */
    public long appliedThroughNs() {
        return appliedThroughNs;
    }

    public long offered() {
        return offered.sum();
    }

    public long refused() {
        return refused.sum();
    }

    public long queueFull() {
        return queueFull.sum();
    }

    /** Commands nft acknowledged: they are in the kernel. */
    public long applied() {
        return applied.sum();
    }

    /** Commands in lines nft answered with an error. */
    public long failedCommands() {
        return failedCommands.sum();
    }

    /** "Error:" lines nft printed. */
    public long errorLines() {
        return errorLines.sum();
    }

    /** Commands dropped because nft was not running or died with them. */
    public long lost() {
        return lost.sum();
    }

    /** Times an {@code nft -i} child was started. */
    public long starts() {
        return starts.sum();
    }

    /** Failures reported or retried: set-up, tear-down, start, death, hang. */
    public long failures() {
        return failures.sum();
    }

    /** Times the table was found missing and installed again. */
    public long restores() {
        return restores.sum();
    }

    public int queued() {
        return queue.size();
    }

    /** Offer-to-kernel latency of applied commands. */
    public NftLatency latency() {
        return latency;
    }
}
