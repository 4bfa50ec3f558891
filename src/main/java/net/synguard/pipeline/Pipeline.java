package net.synguard.pipeline;

import net.synguard.alert.AlertSink;
import net.synguard.alert.EventContext;
import net.synguard.capture.FrameHandler;
import net.synguard.capture.FrameSender;
import net.synguard.config.SynguardConfig;
import net.synguard.decode.DecodeCounters;
import net.synguard.decode.FrameDecoder;
import net.synguard.decode.TcpSegment;
import net.synguard.detect.AttackDetector;
import net.synguard.detect.AttackListener;
import net.synguard.mitigate.Mitigation;
import net.synguard.mitigate.Responder;
import net.synguard.pressure.DestinationStats;
import net.synguard.pressure.PressureTables;
import net.synguard.time.PacketClock;
import net.synguard.track.HalfOpenTimeout;
import net.synguard.track.HandshakeTracker;
import net.synguard.track.Outcome;

/**
 * One capture's data path, wired: capture frame -> decode -> track -> pressure -> detect -> alert,
 * and, in the daemon, -> mitigate (the responder answers SYNs to targets under mitigation on this
 * capture's own handle; the detector tells the mitigation when attacks start and end). The only
 * class that knows all the stages. Owned by one thread (the capture thread); after the
 * capture adapter hands a frame over, nothing here allocates unless an attack event is written.
 */
public final class Pipeline implements FrameHandler {
    /**
     * Frames the daemon and a replay hold back to prefetch their table lines ({@link #holdBack}).
     * On the 5 M-SYN flood of tests/bench/replay-throughput.sh, 32 against 0 gave 1.04-1.10x
     * packets/s (medians of 7 paired runs; 8, 32 and 64 were within noise of each other). 32 SYNs'
     * lines are 10 KB, a fifth of L1.
     */
    public static final int PREFETCH_DEPTH = 32;

    /** Fixed hash seed: a replay makes the same table decisions on every run. */
    private static final long TRACK_SEED = 0x5EED_5EED_5EED_5EEDL;

    private final PacketClock clock = new PacketClock();
    private final DecodeCounters decodeCounters = new DecodeCounters();
    private final FrameDecoder decoder;
    private final TcpSegment seg = new TcpSegment();
    private ProtectFilter protect;
    private final PressureTables pressure;
    private final HandshakeTracker tracker;
    private final AttackDetector detector;
    private final Responder responder;
    private final long tickNs;
    private long nextTickNs = Long.MIN_VALUE;

    private long frames;
    private long firstTimestampNs;
    private long tcpSegments;
    private long syns;
    private long synAcks;
    private long unprotected;
    private PrefetchWindow window;
    /** Sum of what the prefetch loads read: written so that the compiler keeps them. */
    private long prefetched;

    public Pipeline(SynguardConfig cfg, int linkType, AlertSink sink) {
        this(cfg, linkType, sink, EventContext.NONE);
    }

    /** A pipeline whose attack events also carry {@code context} (the daemon's kernel view). */
    public Pipeline(SynguardConfig cfg, int linkType, AlertSink sink, EventContext context) {
        this(cfg, linkType, sink, context, null, FrameSender.NONE);
    }

    /**
     * The daemon's pipeline: attack events carry {@code context}, attacks drive {@code mitigation}
     * (null: detect only), and its responder sends through {@code sender}.
     */
    public Pipeline(
            SynguardConfig cfg,
            int linkType,
            AlertSink sink,
            EventContext context,
            Mitigation mitigation,
            FrameSender sender) {
        this.decoder = new FrameDecoder(linkType, decodeCounters);
        this.protect = new ProtectFilter(cfg.protect());
        long windowNs = cfg.detect().window().toNanos();
        this.pressure = new PressureTables(
                cfg.pressure().sources(),
                cfg.pressure().prefixes(),
                cfg.pressure().destinations(),
                cfg.pressure().idle().toNanos(),
                cfg.pressure().ipv4PrefixLength(),
                cfg.pressure().ipv6PrefixLength(),
                windowNs,
                clock::nowNs);
        long halfOpenTimeoutNs = HalfOpenTimeout.nanos(
                cfg.track().synackRetries(), cfg.track().initialRto().toNanos());
        this.tracker =
                new HandshakeTracker(cfg.track().capacity(), halfOpenTimeoutNs, TRACK_SEED, new PressureFeed(pressure));
        AttackListener listener = mitigation == null ? AttackListener.NONE : mitigation;
        this.detector = new AttackDetector(
                cfg.detect(), pressure, sink, cfg.alerts().topSources(), halfOpenTimeoutNs, context, listener);
        this.responder = mitigation == null ? null : mitigation.responder(linkType, sender);
        this.tickNs = cfg.capture().tick().toNanos();
    }

    /**
     * Holds up to {@code depth} frames back (a power of two; 0: none) to load their table lines
     * before they are processed ({@link PrefetchWindow}). The caller's source must then call
     * {@link #onDrained} whenever it has no frame at hand, or frames wait for the next one.
     * Turning it off processes what is held first.
     */
    public void holdBack(int depth) {
        flush();
        window = depth == 0 ? null : new PrefetchWindow(depth);
    }

    /** Frames held back now, at most ({@link #holdBack}; 0: none). */
    public int heldBackDepth() {
        return window == null ? 0 : window.depth();
    }

    @Override
    public void onFrame(byte[] frame, int capturedLength, long timestampNs) {
        PrefetchWindow w = window;
        if (w == null || capturedLength > PrefetchWindow.SLOT_BYTES) {
            flush();
            process(frame, capturedLength, timestampNs, seg, decoder.decode(frame, capturedLength, seg));
            return;
        }
        int i = w.add(frame, capturedLength, timestampNs);
        TcpSegment s = w.segment(i);
        boolean ok = decoder.decode(w.frame(i), capturedLength, s);
        w.decoded(i, ok);
        if (ok && s.isSyn()) {
            w.synHashes(
                    i,
                    tracker.flowHash(s),
                    pressure.sourceHash(s.srcHi(), s.srcLo()),
                    pressure.prefixHash(s.srcHi(), s.srcLo()));
        }
        if (w.full()) {
            flush();
        }
    }

    /** The source has no frame at hand: process the frames held back. */
    @Override
    public void onDrained() {
        flush();
    }

    /**
     * Processes every frame held back, oldest first, after loading their SYNs' table lines: all of
     * the first step's lines in one pass, then all of the second's, so that the misses of a whole
     * window are in flight at once (a load the core must wait for stalls it whoever issued it;
     * many independent loads in a short loop wait together).
     */
    private void flush() {
        PrefetchWindow w = window;
        if (w == null || w.isEmpty()) {
            return;
        }
        long touched = 0;
        for (int k = w.syns() - 1; k >= 0; k--) {
            int i = w.synSlot(k);
            touched += tracker.touch(w.flowHash(i)) + pressure.touch(w.sourceHash(i), w.prefixHash(i));
        }
        for (int k = w.syns() - 1; k >= 0; k--) {
            int i = w.synSlot(k);
            touched += tracker.touchVictim(w.flowHash(i)) + pressure.touchIndex(w.sourceHash(i), w.prefixHash(i));
        }
        // Kept, so that the loads above are not dead code.
        prefetched += touched;
        while (!w.isEmpty()) {
            processHeld(w);
        }
    }

    private void processHeld(PrefetchWindow w) {
        int i = w.take();
        process(w.frame(i), w.length(i), w.timestampNs(i), w.segment(i), w.decoded(i));
    }

    /** One frame, decoded into {@code seg} ({@code decoded}: whether it is a TCP segment). */
    private void process(byte[] frame, int capturedLength, long timestampNs, TcpSegment seg, boolean decoded) {
        if (frames++ == 0) {
            firstTimestampNs = timestampNs;
        }
        clock.advanceTo(timestampNs);
        long now = clock.nowNs();
        if (now >= nextTickNs) {
            catchUp(now);
        }
        if (!decoded) {
            return;
        }
        tcpSegments++;
        if (seg.isSyn()) {
            syns++;
            if (!protect.covers(seg.dstHi(), seg.dstLo(), seg.dstPort())) {
                unprotected++;
                return;
            }
            DestinationStats d = pressure.onSyn(seg.srcHi(), seg.srcLo(), seg.dstHi(), seg.dstLo(), seg.dstPort(), now);
            // A SYN the table drops never reaches the kernel's queue: it is answered (or not) by
            // the responder, counted by pressure and detection, but not tracked as half-open.
            boolean dropped = responder != null && responder.onSyn(frame, seg, now);
            if (!dropped) {
                tracker.onSegment(seg, now);
            }
            detector.onSyn(d, now);
            return;
        }
        if (seg.isSynAck()) {
            synAcks++;
        }
        boolean toService = protect.covers(seg.dstHi(), seg.dstLo(), seg.dstPort());
        if (toService && responder != null && !seg.isSynAck()) {
            responder.onReply(frame, seg, now);
        }
        if (toService || protect.covers(seg.srcHi(), seg.srcLo(), seg.srcPort())) {
            int outcome = tracker.onSegment(seg, now);
            if (outcome == Outcome.SYN_ACK) {
                pressure.onSynAckSeen(seg.srcHi(), seg.srcLo(), now);
            }
        }
    }

    @Override
    public void onIdle(long nowNs) {
        flush();
        if (clock.started()) {
            catchUp(Math.max(nowNs, clock.nowNs()));
        }
    }

    /**
     * Applies a reloaded config without losing state: thresholds, classification, the report size
     * and the protect list take effect at once. What {@link SynguardConfig#restartKeys} names keeps
     * its old value until a restart.
     */
    public void reconfigure(SynguardConfig next) {
        flush();
        detector.reconfigure(next.detect(), next.alerts().topSources());
        protect = new ProtectFilter(next.protect());
    }

    /**
     * Runs the ticks a live daemon would have run on a quiet wire before this frame: in a replay the
     * gap between two packets has no tick thread, and an attack must end when its quiet time is up,
     * not when the next packet happens to arrive. Only while an attack is open does each missed tick
     * matter; otherwise one tick at {@code now} does all the work (expiry sweeps catch up by
     * themselves), so a capture with hours of silence costs nothing.
     */
    private void catchUp(long now) {
        while (nextTickNs < now && nextTickNs != Long.MIN_VALUE && detector.activeAttacks() > 0) {
            tracker.advance(nextTickNs);
            detector.tick(nextTickNs);
            nextTickNs += tickNs;
        }
        tickAt(now);
    }

    /**
     * Advances packet time without a frame: the quiet-wire tick of a live capture, and the end of a
     * replay. Expires half-open entries and lets attacks update and end.
     */
    public void tick(long nowNs) {
        flush();
        tickAt(nowNs);
    }

    /** {@link #tick} without processing held frames: the tick due before the frame being processed. */
    private void tickAt(long nowNs) {
        clock.advanceTo(nowNs);
        long now = clock.nowNs();
        tracker.advance(now);
        detector.tick(now);
        nextTickNs = now - Math.floorMod(now, tickNs) + tickNs;
    }

    /** The input ended: attacks still open are closed as of the last packet. */
    public void finish() {
        flush();
        if (!clock.started()) {
            return;
        }
        tick(clock.nowNs());
        detector.finish(clock.nowNs());
    }

    public PacketClock clock() {
        return clock;
    }

    public DecodeCounters decodeCounters() {
        return decodeCounters;
    }

    public HandshakeTracker tracker() {
        return tracker;
    }

    public PressureTables pressure() {
        return pressure;
    }

    public AttackDetector detector() {
        return detector;
    }

    /** Timestamp of the first frame (0 before it). */
    public long firstTimestampNs() {
        return firstTimestampNs;
    }

    public long frames() {
        return frames;
    }

    public long tcpSegments() {
        return tcpSegments;
    }

    /** SYNs decoded (SYN set, ACK clear), protected or not. */
    public long syns() {
        return syns;
    }

    /** SYN-ACKs decoded, protected or not. */
    public long synAcks() {
        return synAcks;
    }

    /** SYNs to addresses and ports outside the protect list. */
    public long unprotectedSyns() {
        return unprotected;
    }
}
