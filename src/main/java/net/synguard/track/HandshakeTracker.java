package net.synguard.track;

import static net.synguard.track.HalfOpenTable.C_HI;
import static net.synguard.track.HalfOpenTable.C_LO;
import static net.synguard.track.HalfOpenTable.FIRST_NS;
import static net.synguard.track.HalfOpenTable.ISNS;
import static net.synguard.track.HalfOpenTable.LAST_NS;
import static net.synguard.track.HalfOpenTable.META;
import static net.synguard.track.HalfOpenTable.PORT_COUNTED;
import static net.synguard.track.HalfOpenTable.SYN_ACK_RTX_SHIFT;
import static net.synguard.track.HalfOpenTable.SYN_RTX_SHIFT;
import static net.synguard.track.HalfOpenTable.S_HI;
import static net.synguard.track.HalfOpenTable.S_LO;

import net.synguard.decode.TcpSegment;

/**
 * Follows the TCP three-way handshake of every flow the capture sees, from the client's SYN to the
 * ACK of the server's SYN-ACK (RFC 9293 section 3.5), keeping the half-open ones in bounded memory.
 *
 * <p>The rules mirror what a Linux listener does with its request sockets ({@code
 * net/ipv4/tcp_minisocks.c}, {@code tcp_check_req}), seen from the wire:
 *
 * <ul>
 *   <li>SYN from the client: a new entry; the same ISN again is a retransmit (the kernel answers it
 *       with the same SYN-ACK and keeps its timer); a different ISN is a new attempt and replaces
 *       the entry. SYN with FIN is dropped by a listener ({@code tcp_rcv_state_process}, LISTEN)
 *       and opens nothing here either; it is counted in {@link #synsInvalid()}.
 *   <li>SYN-ACK from the server must acknowledge the client's ISN + 1 (the SYN occupies one
 *       sequence number). Anything else opens nothing: a SYN-ACK reflection flood arriving at this
 *       host must not fill the table.
 *   <li>The handshake completes when the client acknowledges the server's ISN + 1 after we saw the
 *       SYN-ACK, as tshark counts it. An ACK without a seen SYN-ACK (asymmetric capture) completes
 *       nothing and is counted in {@link #acksWithoutSynAck()}.
 *   <li>RST closes an entry only with the exact sequence or acknowledgment number a real endpoint
 *       would use (RFC 9293 section 3.10.7; RFC 5961 section 3 for why exact), so a blind spoofed
 *       RST cannot clear half-open entries and hide a flood. Rejected RSTs: {@link #rstUnmatched()}.
 *   <li>An entry expires {@code halfOpenTimeoutNs} after its first SYN ({@link HalfOpenTimeout}),
 *       in packet time: lazily when a segment finds it past its deadline, and by {@link #advance},
 *       which sweeps the table once per second of packet time.
 * </ul>
 *
 * <p>Single-threaded: the capture thread owns it. Counter getters may be read from other threads
 * (a stale value is harmless). Nothing allocates after construction.
 */
public final class HandshakeTracker {
    private static final long SWEEP_PERIOD_NS = 1_000_000_000L;

    private final HalfOpenTable table;
    private final PortCounts portCounts;
    private final long halfOpenTimeoutNs;
    private final HandshakeListener listener;

    private int size;
    private int synSeen;
    private int synAckSeen;

    private boolean advanced;
    private long lastAdvanceNs;
    private long sweepCarry;
    private int sweepCursor;

    private long syns;
    private long synRetransmits;
    private long synsInvalid;
    private long synAcks;
    private long synAckRetransmits;
    private long synAcksUnsolicited;
    private long completed;
    private long refused;
    private long aborted;
    private long expired;
    private long evicted;
    private long replaced;
    private long rstUnmatched;
    private long acksWithoutSynAck;
    private long portCountOverflow;

    /** A tracker whose per-port table holds {@code max(1024, capacity / 4)} keys. */
    public HandshakeTracker(int capacity, long halfOpenTimeoutNs, long seed, HandshakeListener listener) {
        this(capacity, Math.max(1024, capacity / 4), halfOpenTimeoutNs, seed, listener);
    }

    /**
     * @param capacity half-open entries to hold at least; rounded up to whole power-of-two buckets
     * @param portCapacity distinct (server address, server port) keys the per-port counts hold
     * @param halfOpenTimeoutNs packet time after its first SYN at which an entry expires
     * @param seed mixed into every hash; a fixed seed gives the same evictions on every replay
     * @param listener told of every entry opened and closed, on the caller's thread
     */
    public HandshakeTracker(
            int capacity, int portCapacity, long halfOpenTimeoutNs, long seed, HandshakeListener listener) {
        if (halfOpenTimeoutNs <= 0) {
            throw new IllegalArgumentException("half-open timeout: " + halfOpenTimeoutNs + " ns (expected: > 0)");
        }
        if (listener == null) {
            throw new IllegalArgumentException(
                    "listener: null (expected: a listener, or HandshakeListener.ignoring())");
        }
        this.table = new HalfOpenTable(capacity, seed);
        this.portCounts = new PortCounts(portCapacity, seed ^ 0x5DEE_CE66_DL);
        this.halfOpenTimeoutNs = halfOpenTimeoutNs;
        this.listener = listener;
    }

    /** Applies one segment at packet time {@code nowNs}; returns an {@link Outcome}. */
    public int onSegment(TcpSegment seg, long nowNs) {
        int flags = seg.flags();
        // RST first, as the kernel checks it first in LISTEN and in tcp_check_req.
        if ((flags & TcpSegment.RST) != 0) {
            return onRst(seg, nowNs);
        }
        if ((flags & TcpSegment.SYN) != 0) {
            if ((flags & TcpSegment.ACK) != 0) {
                return onSynAck(seg, nowNs);
            }
            if ((flags & TcpSegment.FIN) != 0) {
                synsInvalid++;
                return Outcome.NONE;
            }
            return onSyn(seg, nowNs);
        }
        if (size == 0 || (flags & (TcpSegment.ACK | TcpSegment.FIN)) == 0) {
            return Outcome.NONE;
        }
        return onClientAckOrFin(seg, nowNs, flags);
    }

    /** The flow hash {@link #touch} and {@link #touchVictim} take, of a SYN's segment. */
    public long flowHash(TcpSegment seg) {
        return table.hash(
                seg.srcHi(), seg.srcLo(), seg.dstHi(), seg.dstLo(), HalfOpenTable.ports(seg.srcPort(), seg.dstPort()));
    }

    /**
     * Prefetch for a SYN a few frames ahead, first step: loads its bucket's head line (tags and
     * ages). Returns a word of it, which the caller must use (an unused load is dead code). Why:
     * under a spoofed flood every SYN lands in a cold bucket and then evicts a cold entry, two
     * cache misses one after the other; see {@code pipeline.PrefetchWindow}.
     */
    public long touch(long flowHash) {
        return table.touch(flowHash);
    }

    /** Prefetch, second step, once the head line is in: the entry the SYN would take. */
    public long touchVictim(long flowHash) {
        return table.touchVictim(flowHash);
    }

    private int onSyn(TcpSegment seg, long nowNs) {
        long cHi = seg.srcHi(), cLo = seg.srcLo(), sHi = seg.dstHi(), sLo = seg.dstLo();
        int ports = HalfOpenTable.ports(seg.srcPort(), seg.dstPort());
        long h = flowHash(seg);
        int slot = live(table.find(h, cHi, cLo, sHi, sLo, ports), nowNs);
        boolean inheritCount = false;
        if (slot >= 0) {
            long isns = table.get(slot, ISNS);
            if ((int) (isns >>> 32) == seg.seq()) {
                // Deadline unchanged: a retransmitted SYN does not restart the kernel's request timer.
                synRetransmits++;
                table.set(slot, META, HalfOpenTable.bump(table.get(slot, META), SYN_RTX_SHIFT));
                table.set(slot, LAST_NS, nowNs);
                return Outcome.SYN_RETRANSMIT;
            }
            close(slot, Closure.REPLACED, nowNs);
        } else {
            slot = table.freeSlot(h);
            if (slot < 0) {
                slot = table.oldestSlot(h);
                inheritCount = handOverPortCount(slot, sHi, sLo, seg.dstPort());
                // The oldest way is the first to pass its deadline: call it expired if it has.
                close(slot, isDue(slot, nowNs) ? Closure.EXPIRED : Closure.EVICTED, nowNs);
            }
        }
        long meta = (ports & 0xFFFF_FFFFL) | ((long) HandshakeState.SYN_SEEN << HalfOpenTable.STATE_SHIFT);
        if (inheritCount || portCounts.increment(sHi, sLo, seg.dstPort())) {
            meta |= PORT_COUNTED;
        } else {
            portCountOverflow++;
        }
        table.put(slot, h, cHi, cLo, sHi, sLo, meta, (long) seg.seq() << 32, nowNs);
        size++;
        synSeen++;
        syns++;
        int mark =
                listener.opened(cHi, cLo, sHi, sLo, seg.srcPort(), seg.dstPort(), nowNs) & HandshakeListener.MARK_MASK;
        if (mark != 0) {
            table.set(slot, META, meta | (long) mark << HalfOpenTable.MARK_SHIFT);
        }
        return Outcome.SYN_NEW;
    }

    /**
     * When a flood evicts an entry for the same server port it is about to insert (the usual case),
     * the per-port count would go down and up again: leave it, and let the new entry take over the
     * counted mark. Returns whether it did.
     */
    private boolean handOverPortCount(int slot, long sHi, long sLo, int sPort) {
        long meta = table.get(slot, META);
        if ((meta & PORT_COUNTED) != 0
                && HalfOpenTable.serverPort(meta) == sPort
                && table.get(slot, S_LO) == sLo
                && table.get(slot, S_HI) == sHi) {
            table.set(slot, META, meta & ~PORT_COUNTED);
            return true;
        }
        return false;
    }

    private int onSynAck(TcpSegment seg, long nowNs) {
        int slot = live(findReversed(seg), nowNs);
        if (slot >= 0) {
            long meta = table.get(slot, META);
            long isns = table.get(slot, ISNS);
            if (seg.ack() == (int) (isns >>> 32) + 1) {
                int state = HalfOpenTable.state(meta);
                if (state == HandshakeState.SYN_SEEN) {
                    table.set(slot, META, HalfOpenTable.withState(meta, HandshakeState.SYN_ACK_SEEN));
                    table.set(slot, ISNS, (isns & 0xFFFF_FFFF_0000_0000L) | (seg.seq() & 0xFFFF_FFFFL));
                    table.set(slot, LAST_NS, nowNs);
                    synSeen--;
                    synAckSeen++;
                    synAcks++;
                    return Outcome.SYN_ACK;
                }
                // The first SYN-ACK stays the one to acknowledge: the client answers the first it gets.
                if ((int) isns == seg.seq()) {
                    table.set(slot, META, HalfOpenTable.bump(meta, SYN_ACK_RTX_SHIFT));
                    table.set(slot, LAST_NS, nowNs);
                    synAckRetransmits++;
                    return Outcome.SYN_ACK_RETRANSMIT;
                }
            }
        }
        synAcksUnsolicited++;
        return Outcome.SYN_ACK_UNSOLICITED;
    }

    private int onClientAckOrFin(TcpSegment seg, long nowNs, int flags) {
        int slot = live(findForward(seg), nowNs);
        if (slot < 0) {
            return Outcome.NONE;
        }
        int state = HalfOpenTable.state(table.get(slot, META));
        long isns = table.get(slot, ISNS);
        boolean ack = (flags & TcpSegment.ACK) != 0;
        // Any segment acknowledging the SYN-ACK completes it, as in tcp_check_req: the third
        // segment may carry data or a FIN when the pure ACK was not captured.
        if (ack && state == HandshakeState.SYN_ACK_SEEN && seg.ack() == (int) isns + 1) {
            close(slot, Closure.COMPLETED, nowNs);
            return Outcome.COMPLETED;
        }
        if ((flags & TcpSegment.FIN) != 0 && seg.seq() == (int) (isns >>> 32) + 1) {
            close(slot, Closure.ABORTED, nowNs);
            return Outcome.ABORTED;
        }
        if (ack && state == HandshakeState.SYN_SEEN) {
            acksWithoutSynAck++;
        }
        return Outcome.NONE;
    }

    /**
     * A RST may come from either end; try the client's direction, then the server's. RFC 9293
     * section 3.10.7.1: a closed port answers a SYN with {@code <SEQ=0><ACK=ISN+1><CTL=RST,ACK>};
     * section 3.10.7.3: a RST is valid in a synchronized exchange when its sequence number is the
     * one the receiver expects next.
     */
    private int onRst(TcpSegment seg, long nowNs) {
        boolean ack = seg.hasAck();
        int slot = live(findForward(seg), nowNs);
        if (slot >= 0) {
            long isns = table.get(slot, ISNS);
            int state = HalfOpenTable.state(table.get(slot, META));
            if (seg.seq() == (int) (isns >>> 32) + 1
                    || (ack && state == HandshakeState.SYN_ACK_SEEN && seg.ack() == (int) isns + 1)) {
                close(slot, Closure.ABORTED, nowNs);
                return Outcome.ABORTED;
            }
        }
        slot = live(findReversed(seg), nowNs);
        if (slot >= 0) {
            long isns = table.get(slot, ISNS);
            int state = HalfOpenTable.state(table.get(slot, META));
            if ((ack && seg.ack() == (int) (isns >>> 32) + 1)
                    || (state == HandshakeState.SYN_ACK_SEEN && seg.seq() == (int) isns + 1)) {
                close(slot, Closure.REFUSED, nowNs);
                return Outcome.REFUSED;
            }
        }
        rstUnmatched++;
        return Outcome.NONE;
    }

    /**
     * Expires entries in packet time. Each call sweeps {@code buckets * elapsed / 1 s} buckets from
     * where the last one stopped, carrying the fraction, so the whole table is visited once per
     * second of packet time whatever the call rate; an entry leaves at most about a second after its
     * deadline (a segment that hits it earlier expires it on the spot). The first call only records
     * the time; a jump of a second or more sweeps the table once; time going backwards does nothing.
     */
    public void advance(long nowNs) {
        if (!advanced) {
            advanced = true;
            lastAdvanceNs = nowNs;
            return;
        }
        long elapsed = nowNs - lastAdvanceNs;
        if (elapsed <= 0) {
            return;
        }
        lastAdvanceNs = nowNs;
        int buckets = table.bucketCount();
        long n;
        if (elapsed >= SWEEP_PERIOD_NS) {
            n = buckets;
            sweepCarry = 0;
        } else {
            long work = elapsed * buckets + sweepCarry; // < 2^30 * 2^23: no overflow
            n = work / SWEEP_PERIOD_NS;
            sweepCarry = work % SWEEP_PERIOD_NS;
            if (n >= buckets) {
                n = buckets;
                sweepCarry = 0;
            }
        }
        if (size == 0) {
            // Nothing can expire: move the cursor as the sweep would have, without reading the
            // table. A replay of a sparse capture (hours of packet time, a few packets a minute)
            // otherwise swept all of it at every packet: 0.47 s of a 0.66 s replay of 3,104 packets.
            sweepCursor = (int) ((sweepCursor + n) & (buckets - 1));
            return;
        }
        for (long i = 0; i < n; i++) {
            if (!table.bucketEmpty(sweepCursor)) {
                int first = sweepCursor * HalfOpenTable.WAYS;
                for (int slot = first; slot < first + HalfOpenTable.WAYS; slot++) {
                    if (table.occupied(slot) && isDue(slot, nowNs)) {
                        close(slot, Closure.EXPIRED, nowNs);
                    }
                }
            }
            sweepCursor = (sweepCursor + 1) & (buckets - 1);
        }
    }

    /** The {@link HandshakeState} of a flow's half-open entry, or 0 when it has none. */
    public int state(long cHi, long cLo, long sHi, long sLo, int cPort, int sPort) {
        int ports = HalfOpenTable.ports(cPort, sPort);
        int slot = table.find(table.hash(cHi, cLo, sHi, sLo, ports), cHi, cLo, sHi, sLo, ports);
        return slot < 0 ? 0 : HalfOpenTable.state(table.get(slot, META));
    }

    /** Half-open entries for one server address and port (a lower bound once {@link #portCountOverflow()} > 0). */
    public int halfOpenFor(long sHi, long sLo, int sPort) {
        return portCounts.get(sHi, sLo, sPort);
    }

    /** Visits every (server address, server port) with at least one half-open entry, in table order. */
    public void forEachPort(PortCountVisitor visitor) {
        portCounts.forEach(visitor);
    }

    private int findForward(TcpSegment seg) {
        long cHi = seg.srcHi(), cLo = seg.srcLo(), sHi = seg.dstHi(), sLo = seg.dstLo();
        int ports = HalfOpenTable.ports(seg.srcPort(), seg.dstPort());
        return table.find(table.hash(cHi, cLo, sHi, sLo, ports), cHi, cLo, sHi, sLo, ports);
    }

    private int findReversed(TcpSegment seg) {
        long cHi = seg.dstHi(), cLo = seg.dstLo(), sHi = seg.srcHi(), sLo = seg.srcLo();
        int ports = HalfOpenTable.ports(seg.dstPort(), seg.srcPort());
        return table.find(table.hash(cHi, cLo, sHi, sLo, ports), cHi, cLo, sHi, sLo, ports);
    }

    /** The slot, or -1 if there is none or it was past its deadline (then it is expired now). */
    private int live(int slot, long nowNs) {
        if (slot >= 0 && isDue(slot, nowNs)) {
            close(slot, Closure.EXPIRED, nowNs);
            return -1;
        }
        return slot;
    }

    private boolean isDue(int slot, long nowNs) {
        return nowNs - table.get(slot, FIRST_NS) >= halfOpenTimeoutNs;
    }

    private void close(int slot, int closure, long nowNs) {
        long cHi = table.get(slot, C_HI), cLo = table.get(slot, C_LO);
        long sHi = table.get(slot, S_HI), sLo = table.get(slot, S_LO);
        long meta = table.get(slot, META);
        int state = HalfOpenTable.state(meta);
        int cPort = HalfOpenTable.clientPort(meta), sPort = HalfOpenTable.serverPort(meta);
        if ((meta & PORT_COUNTED) != 0) {
            portCounts.decrement(sHi, sLo, sPort);
        }
        table.clear(slot);
        size--;
        if (state == HandshakeState.SYN_SEEN) {
            synSeen--;
        } else {
            synAckSeen--;
        }
        switch (closure) {
            case Closure.COMPLETED -> completed++;
            case Closure.REFUSED -> refused++;
            case Closure.ABORTED -> aborted++;
            case Closure.EXPIRED -> expired++;
            case Closure.EVICTED -> evicted++;
            case Closure.REPLACED -> replaced++;
            default -> {
                assert false : "closure " + closure;
            }
        }
        int mark = (int) (meta >>> HalfOpenTable.MARK_SHIFT) & HandshakeListener.MARK_MASK;
        listener.closed(cHi, cLo, sHi, sLo, cPort, sPort, state, closure, mark, nowNs);
    }

    /** SYNs that opened an entry (new or replacing); retransmits and invalid SYNs are counted apart. */
    public long syns() {
        return syns;
    }

    public long synRetransmits() {
        return synRetransmits;
    }

    /** SYN with FIN: a listener drops these, so they open nothing. */
    public long synsInvalid() {
        return synsInvalid;
    }

    /** SYN-ACKs that moved an entry to {@link HandshakeState#SYN_ACK_SEEN}. */
    public long synAcks() {
        return synAcks;
    }

    public long synAckRetransmits() {
        return synAckRetransmits;
    }

    /** SYN-ACKs matching no SYN, or with the wrong acknowledgment number: reflection backscatter. */
    public long synAcksUnsolicited() {
        return synAcksUnsolicited;
    }

    public long completed() {
        return completed;
    }

    public long refused() {
        return refused;
    }

    public long aborted() {
        return aborted;
    }

    public long expired() {
        return expired;
    }

    /** Entries pushed out of a full bucket before their deadline. */
    public long evicted() {
        return evicted;
    }

    public long replaced() {
        return replaced;
    }

    /** RSTs that matched no entry or failed validation (spoofed, late, or for established flows). */
    public long rstUnmatched() {
        return rstUnmatched;
    }

    /** Client ACKs on entries whose SYN-ACK was never seen: the capture misses the return path. */
    public long acksWithoutSynAck() {
        return acksWithoutSynAck;
    }

    /** Entries opened while the per-port table had no room for their key; those are not in per-port counts. */
    public long portCountOverflow() {
        return portCountOverflow;
    }

    /** Half-open entries in every state; the same as {@link #size()}. */
    public int halfOpen() {
        return size;
    }

    /** Half-open entries in one {@link HandshakeState}. */
    public int halfOpen(int state) {
        return switch (state) {
            case HandshakeState.SYN_SEEN -> synSeen;
            case HandshakeState.SYN_ACK_SEEN -> synAckSeen;
            default ->
                throw new IllegalArgumentException(
                        "handshake state: " + state + " (expected: SYN_SEEN=1 or SYN_ACK_SEEN=2)");
        };
    }

    /** Entries the table can hold: the requested capacity rounded up to whole buckets. */
    public int capacity() {
        return table.slotCount();
    }

    /** Keys the per-port counts can hold. */
    public int portCapacity() {
        return portCounts.maxKeys();
    }

    public int size() {
        return size;
    }

    public long halfOpenTimeoutNs() {
        return halfOpenTimeoutNs;
    }
}
