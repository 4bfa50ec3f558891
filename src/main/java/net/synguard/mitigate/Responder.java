package net.synguard.mitigate;

import net.synguard.capture.FrameSender;
import net.synguard.config.MitigationConfig.Handoff;
import net.synguard.decode.TcpSegment;
import net.synguard.pressure.AddressKey;
import net.synguard.time.WallClock;

/**
 * The SYN-cookie responder of one capture (DESIGN.md, "Mitigation: SYN cookies from user space"):
 * answers SYNs from unverified sources to an address under mitigation with a SYN-ACK that carries a
 * cookie, sent on the interface the SYN came in on, and verifies the sources whose RST (retry
 * handoff) or ACK (reset handoff) carries a valid cookie. The nftables table drops the unverified
 * SYNs themselves before the kernel queues them; a verified source's next SYN passes.
 *
 * <pre>
 *   SYN to an active target
 *     source verified ........................ pass (the kernel answers); verified so recently
 *                                              that nft may not have it: a retry SYN-ACK again
 *       ... its SYN over detect.source.syn-rate in the last second (VerifiedSynRate): revoked and
 *           blocked (source_blocked, reason verified_flood); this SYN is treated as below
 *     not answerable (AnswerRules), own source  count, no answer
 *     source in back-off ...................... count, no answer
 *     no token (global or its prefix) ........ count, no answer
 *     else one SYN-ACK:  retry  ack = cookie(isn 0)            seq = cookie
 *                        reset  seq = cookie(isn), ack = isn + 1
 *                        auto   reset when this source ignored a retry in the last 3 s, else retry
 *   RST  seq passes checkRetryRst ............... verified (not while revoked: counted only)
 *   ACK  (reset/auto) passes checkResetAck ...... verified, and an RST ends that connection
 * </pre>
 *
 * <p>Never more than one SYN-ACK per SYN, and none without a SYN. One capture thread owns it; the
 * cookie codec, the verified sources and the mitigation state are shared. Nothing is allocated per
 * frame (a verification allocates its cache key and nft command: once per real client).
 */
public final class Responder {
    /** A retry SYN-ACK followed by the same source's SYN this soon, without an RST: auto falls back. */
    static final long AUTO_FALLBACK_WINDOW_NS = 3_000_000_000L;
    /** The SYN-ACK's window: what Linux announces on a SYN-ACK to a client with no window scaling. */
    static final int WINDOW = 65_535;
    /**
     * How long after a verification its SYNs are re-challenged while nft has not confirmed the
     * verified-set update; after that (nft hung or slow), they pass as verified.
     */
    static final long PENDING_MAX_NS = 1_000_000_000L;
    /** Verified sources whose SYN rate is followed (4-way buckets; a light source is cheap to lose). */
    static final int VERIFIED_RATE_SLOTS = 16_384;
    /** {@link #writeRetry}'s answer when this SYN must get the classic cookie instead. */
    private static final int USE_RESET = -2;

    private final Mitigation mitigation;
    private final CookieCodec codec;
    private final SynAckBuilder builder;
    private final FrameSender sender;
    private final Handoff handoff;
    private final ChallengeTable challenges;
    private final RateCaps caps;
    private final VerifiedSynRate verifiedRate;
    private final int unansweredLimit;
    private final long backoffNs;
    private final AddressKey probe = new AddressKey(0, 0);
    private final byte[] out = new byte[SynAckBuilder.MAX_FRAME_LENGTH];
    private final ResponderCounters counters;

    Responder(Mitigation mitigation, int linkType, FrameSender sender) {
        this.mitigation = mitigation;
        this.codec = mitigation.codec();
        this.builder = new SynAckBuilder(linkType);
        this.sender = sender;
        var cfg = mitigation.config();
        this.handoff = cfg.handoff();
        this.challenges = new ChallengeTable(cfg.challengeTable());
        this.caps = new RateCaps(
                cfg.maxSynAckRate(),
                cfg.prefixSynAckRate(),
                mitigation.ipv4PrefixLength(),
                mitigation.ipv6PrefixLength());
        this.verifiedRate = new VerifiedSynRate(
                VERIFIED_RATE_SLOTS,
                mitigation.verifiedSynRate(),
                java.util.concurrent.ThreadLocalRandom.current().nextLong());
        this.unansweredLimit = cfg.unansweredLimit();
        this.backoffNs = cfg.unansweredBackoff().toNanos();
        this.counters = mitigation.counters();
    }

    /**
     * A SYN to a protected service; {@code frame} is the captured frame {@code syn} was decoded
     * from. Returns whether the table drops it before the kernel sees it (its target is under
     * enforcement and its source is not verified there yet): such a SYN never becomes half-open
     * in the kernel, and the caller does not track it as if it did.
     */
    public boolean onSyn(byte[] frame, TcpSegment syn, long nowNs) {
        ActiveTarget target = mitigation.target(syn.dstHi(), syn.dstLo());
        if (target == null) {
            return false;
        }
        long sHi = syn.srcHi();
        long sLo = syn.srcLo();
        long verifiedAt = mitigation.verified().verifiedAt(sHi, sLo, probe);
        if (verifiedAt != VerifiedSources.NOT_VERIFIED) {
            long syns = verifiedRate.overLimit(sHi, sLo, nowNs);
            if (syns > 0) {
                // Verified once, now flooding from its own address: its SYNs would pass to the
                // kernel's queue. Revoke and block it; this SYN is challenged like any unverified one.
                counters.verifiedFloods.increment();
                verifiedRate.forget(sHi, sLo);
                mitigation.verifiedFlood(sHi, sLo, syns, nowNs);
                target.synsDropped.increment();
                answer(frame, syn, target, nowNs);
                return true;
            }
            if (mitigation.inKernel(verifiedAt) || WallClock.monotonicNs() - verifiedAt > PENDING_MAX_NS) {
                target.synsPassed.increment();
                return false;
            }
            // Verified a moment ago, but the verified set in the kernel does not have it yet, so this
            // SYN was dropped (a reset-handoff client reconnects within a millisecond of its ACK).
            // A retry SYN-ACK makes its stack answer with an RST and retransmit the SYN soon (Linux:
            // after TCP_TIMEOUT_MIN, while the SYN has not been retransmitted yet), by when the set
            // has the source, instead of after its 1 s RTO.
            pendingRetry(frame, syn, target, nowNs);
            return true;
        }
        target.synsDropped.increment();
        answer(frame, syn, target, nowNs);
        return true;
    }

    /** Challenges an unverified source, within the rules and caps above. */
    private void answer(byte[] frame, TcpSegment syn, ActiveTarget target, long nowNs) {
        long sHi = syn.srcHi();
        long sLo = syn.srcLo();
        // (The link type was checked once: Mitigation.responder makes responders for Ethernet only.)
        if (!SynAckBuilder.answerable(syn, frame)) {
            counters.notAnswerable.increment();
            return;
        }
        if (mitigation.ownAddresses().contains(sHi, sLo)) {
            counters.ownSource.increment();
            return;
        }
        int slot = challenges.slot(sHi, sLo, nowNs);
        if (challenges.quiet(slot, nowNs)) {
            counters.backedOff.increment();
            return;
        }
        if (!caps.tryAcquire(sHi, sLo, nowNs)) {
            counters.rateLimited.increment();
            return;
        }
        boolean retry = switch (handoff) {
            case RETRY -> true;
            case RESET -> false;
            case AUTO -> !challenges.retryIgnored(slot, nowNs, AUTO_FALLBACK_WINDOW_NS);
        };
        int length = retry ? writeRetry(frame, syn, nowNs) : USE_RESET;
        if (length == USE_RESET) {
            retry = false;
            length = writeReset(frame, syn, nowNs);
        }
        if (length < 0) {
            counters.notAnswerable.increment();
            return;
        }
        if (!sender.send(out, length)) {
            counters.sendFailed.increment();
            return;
        }
        challenges.challenged(slot, nowNs, retry, unansweredLimit, backoffNs);
        counters.synAcksSent.increment();
        (retry ? counters.retrySynAcks : counters.resetSynAcks).increment();
        target.synAcksSent.increment();
    }

    private void pendingRetry(byte[] frame, TcpSegment syn, ActiveTarget target, long nowNs) {
        if (!SynAckBuilder.answerable(syn, frame) || !caps.tryAcquire(syn.srcHi(), syn.srcLo(), nowNs)) {
            return;
        }
        int length = writeRetry(frame, syn, nowNs);
        if (length > 0 && sender.send(out, length)) {
            counters.pendingRechallenged.increment();
            counters.synAcksSent.increment();
            target.synAcksSent.increment();
        }
    }

    /**
     * Writes the retry SYN-ACK (ACK = cookie) into {@code out}: its length, {@link #USE_RESET} when
     * the cookie is the one ACK number the client would accept ({@code isn + 1}, 2^-32), or a
     * negative value when the frame cannot be answered.
     */
    private int writeRetry(byte[] frame, TcpSegment syn, long nowNs) {
        int cookie = codec.encodeRetry(
                syn.srcHi(), syn.srcLo(), syn.dstHi(), syn.dstLo(), syn.srcPort(), syn.dstPort(), syn.mss(), nowNs);
        if (cookie == syn.seq() + 1) {
            return USE_RESET;
        }
        return builder.synAck(frame, syn, cookie, cookie, WINDOW, mssOf(syn), out);
    }

    /** Writes the classic cookie SYN-ACK (SEQ = cookie, ACK = isn + 1) into {@code out}. */
    private int writeReset(byte[] frame, TcpSegment syn, long nowNs) {
        int cookie = codec.encode(
                syn.srcHi(),
                syn.srcLo(),
                syn.dstHi(),
                syn.dstLo(),
                syn.srcPort(),
                syn.dstPort(),
                syn.seq(),
                syn.mss(),
                nowNs);
        return builder.synAck(frame, syn, cookie, syn.seq() + 1, WINDOW, mssOf(syn), out);
    }

    /**
     * Any other segment to a protected service (not a SYN, not a SYN-ACK): an RST or ACK that may
     * carry a cookie.
     */
    public void onReply(byte[] frame, TcpSegment seg, long nowNs) {
        int flags = seg.flags();
        boolean rst = (flags & TcpSegment.RST) != 0;
        boolean ack = (flags & TcpSegment.ACK) != 0;
        if (!rst && !(ack && handoff != Handoff.RETRY)) {
            return;
        }
        ActiveTarget target = mitigation.target(seg.dstHi(), seg.dstLo());
        if (target == null) {
            return;
        }
        long sHi = seg.srcHi();
        long sLo = seg.srcLo();
        if (mitigation.verified().verifiedAt(sHi, sLo, probe) != VerifiedSources.NOT_VERIFIED) {
            return;
        }
        if (rst) {
            // RFC 9293 3.10.7.3: the SYN-SENT stack's RST has SEQ = our SYN-ACK's ACK, no ACK bit.
            if (handoff == Handoff.RESET || ack) {
                return;
            }
            int index = codec.checkRetryRst(
                    sHi, sLo, seg.dstHi(), seg.dstLo(), seg.srcPort(), seg.dstPort(), seg.seq(), nowNs);
            if (index == CookieCodec.INVALID) {
                counters.badCookies.increment();
                return;
            }
            verified(target, sHi, sLo);
            return;
        }
        int index = codec.checkResetAck(
                sHi, sLo, seg.dstHi(), seg.dstLo(), seg.srcPort(), seg.dstPort(), seg.seq(), seg.ack(), nowNs);
        if (index == CookieCodec.INVALID) {
            counters.badCookies.increment();
            return;
        }
        if (!verified(target, sHi, sLo)) {
            return;
        }
        // The connection the cookie stands for exists nowhere (the kernel never saw the SYN): end it,
        // so the client reconnects at once; its new SYN passes (RFC 9293 3.10.7.4: SEQ = SEG.ACK).
        int length = builder.rst(frame, seg, seg.ack(), out);
        if (length > 0 && sender.send(out, length)) {
            counters.resetsSent.increment();
        } else {
            counters.sendFailed.increment();
        }
    }

    /** Verifies {@code (hi, lo)} unless its verification was revoked; whether it was verified. */
    private boolean verified(ActiveTarget target, long hi, long lo) {
        if (mitigation.verified().revoked(hi, lo, probe)) {
            // It flooded after proving itself: its stack's RSTs prove it again at once, so a valid
            // cookie from it counts for nothing until the block is over.
            counters.revokedCookies.increment();
            return false;
        }
        challenges.answered(hi, lo);
        target.sourcesVerified.increment();
        mitigation.verify(hi, lo);
        return true;
    }

    /** The MSS the cookie encodes: the client's, rounded down to the table (536 without the option). */
    private static int mssOf(TcpSegment syn) {
        return CookieCodec.mssOf(CookieCodec.mssIndex(syn.mss()));
    }

    /** Challenge slots taken over from other sources (for status). */
    public long challengeTakeovers() {
        return challenges.takeovers();
    }
}
