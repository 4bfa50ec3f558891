package net.synguard.mitigate;

import java.util.ArrayList;
import java.util.List;
import net.synguard.capture.LinkType;
import net.synguard.config.ConfigLoader;
import net.synguard.config.SynguardConfig;
import net.synguard.decode.Address;
import net.synguard.decode.DecodeCounters;
import net.synguard.decode.FrameBuilder;
import net.synguard.decode.FrameDecoder;
import net.synguard.decode.TcpSegment;
import net.synguard.fuzz.FuzzInput;

/**
 * The cookie path's fuzz target, for the Jazzer campaign (tests/fuzz/campaign.sh) and the corpus
 * replay in CI (FuzzCorpusReplayTest). The first byte picks one of two parts.
 *
 * <p><b>Codec.</b> Fuzzed flow, ISN, MSS, packet time and key ring (one or two generations, the
 * switch near the packet time). Checked against an oracle made of {@link CookieCodec#encode} alone:
 * a cookie checks at the MSS index it was issued with in its own period and the next, and in no
 * other period up to 255 later or earlier; and a fuzzed value (the cookie moved by a fuzzed delta,
 * or any 32 bits) checked against a fuzzed flow passes exactly when it is one of the eight values
 * encode issues for that flow, ISN and the two valid periods (4 MSS indexes x 2 counters), at that
 * index. That is the forgery rate, 8 / 2^32 for a value the client did not see, as an exact
 * statement (it fails only on a coincidence of two keyed hashes, about 2^-29 a check). The retry
 * and reset wrappers equal the check with ISN 0 and with {@code ack - 1, seq - 1}.
 *
 * <p><b>Responder.</b> A detached mitigation (in-memory keys, one IPv4 or IPv6 target under
 * enforcement, no nft) with a fuzzed handoff, and up to eight frames: fuzzed raw bytes, a built
 * segment with fuzzed fields to the target or elsewhere, or the reply a client would send to the
 * last SYN-ACK (an RST for retry, an ACK for reset) with fuzzed flags and a fuzzed error in the
 * cookie. Frames go to {@code onSyn} and {@code onReply} as the pipeline sends them; sometimes a
 * non-SYN also goes to {@code onSyn}, which must ignore it. Checked: no exception; at most one
 * frame out per frame in; a SYN-ACK only for a SYN (SYN set, ACK clear) that {@link AnswerRules}
 * accepts, to the target, with valid checksums, addresses and ports turned around, and a cookie
 * that checks; from {@code onReply} only an RST, only after a verification; and a source becomes
 * verified exactly when the handoff, the flags and the encode oracle say it should.
 */
public final class CookiePathFuzzTarget {
    private static final long PERIOD = Mitigation.COOKIE_PERIOD_NS;
    private static final long ROTATION = 3_600_000_000_000L;
    private static final int[] MSS_TABLE = {536, 1300, 1440, 1460};
    private static final CookieSecret KEY_A = new CookieSecret(
            0x0123_4567_89AB_CDEFL, 0x0FED_CBA9_8765_4321L, 0x1357_9BDF_0246_8ACEL, 0x7531_ECA8_6420_FDB9L);
    private static final CookieSecret KEY_B = new CookieSecret(
            0x5A5A_A5A5_3C3C_C3C3L, 0x6969_9696_0F0F_F0F0L, 0x1111_2222_3333_4444L, 0x5555_6666_7777_8888L);

    private static final Address TARGET4 = Address.parse("198.18.0.1");
    private static final Address TARGET6 = Address.parse("2001:db8::1");
    private static final String[] HANDOFFS = {"retry", "reset", "auto"};
    /** One per handoff; each protects both targets. */
    private static final SynguardConfig[] CONFIGS = new SynguardConfig[HANDOFFS.length];

    static {
        for (int i = 0; i < HANDOFFS.length; i++) {
            CONFIGS[i] = config(HANDOFFS[i]);
        }
    }

    private static SynguardConfig config(String handoff) {
        try {
            return ConfigLoader.parse(
                    "synguard { protect = [ { address = \"198.18.0.1\", ports = [ 80 ] },"
                            + " { address = \"2001:db8::1\", ports = [ 80 ] } ]\n"
                            + " mitigation { mode = \"always\", handoff = \"" + handoff + "\","
                            + " challenge-table = 1024, unanswered-limit = 2 } }",
                    "fuzz.conf");
        } catch (net.synguard.config.ConfigError e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * What the inputs run so far reached (a corpus that no longer reaches a verification has lost
     * what it was kept for: FuzzCorpusReplayTest checks).
     */
    public static final class Reached {
        static final java.util.concurrent.atomic.LongAdder SYN_ACKS = new java.util.concurrent.atomic.LongAdder();
        static final java.util.concurrent.atomic.LongAdder RST_VERIFIED = new java.util.concurrent.atomic.LongAdder();
        static final java.util.concurrent.atomic.LongAdder ACK_VERIFIED = new java.util.concurrent.atomic.LongAdder();
        static final java.util.concurrent.atomic.LongAdder BAD_COOKIES = new java.util.concurrent.atomic.LongAdder();

        private Reached() {}

        public static void reset() {
            SYN_ACKS.reset();
            RST_VERIFIED.reset();
            ACK_VERIFIED.reset();
            BAD_COOKIES.reset();
        }

        /** SYN-ACKs sent, sources verified by a retry RST, by a reset ACK, cookies refused. */
        public static long[] counts() {
            return new long[] {SYN_ACKS.sum(), RST_VERIFIED.sum(), ACK_VERIFIED.sum(), BAD_COOKIES.sum()};
        }
    }

    private CookiePathFuzzTarget() {}

    /** Jazzer's entry point. */
    public static void fuzzerTestOneInput(byte[] data) {
        FuzzInput in = new FuzzInput(data);
        if ((in.u8() & 1) == 0) {
            codec(in);
        } else {
            new ResponderRun(in).run();
        }
    }

    // ------------------------------------------------------------------ codec

    private static void codec(FuzzInput in) {
        long now = in.int64();
        // Keep now - 256 periods and now + 256 periods representable.
        now = Math.clamp(now, Long.MIN_VALUE / 2, Long.MAX_VALUE / 2);
        long counter = Math.floorDiv(now, PERIOD);
        KeyRing ring = in.bool()
                ? new KeyRing(KEY_A, null, Long.MIN_VALUE, Long.MIN_VALUE, CookieKeys.NOT_SCHEDULED)
                : ringWithSwitch(counter + in.intIn(-3, 3));
        CookieCodec codec = new CookieCodec(CookieKeys.of(PERIOD, ROTATION, ring));

        long cHi = in.int64();
        long cLo = in.int64();
        long sHi = in.int64();
        long sLo = in.int64();
        int cPort = in.int32();
        int sPort = in.int32();
        int isn = in.int32();
        int mss = in.int32();

        int index = CookieCodec.mssIndex(mss);
        if (index < 0 || index > 3 || (mss >= 536 && CookieCodec.mssOf(index) > mss)) {
            throw new IllegalStateException("MSS " + mss + " gave index " + index);
        }
        int cookie = codec.encode(cHi, cLo, sHi, sLo, cPort, sPort, isn, mss, now);
        if (codec.encode(cHi, cLo, sHi, sLo, cPort & 0xFFFF, sPort & 0xFFFF, isn, mss, now) != cookie) {
            throw new IllegalStateException("ports are 16 bits, but their high bits changed the cookie");
        }
        // Its own period and the next: valid at its index; any other of 255 before or after: invalid.
        // (The edges every time, one fuzzed age, each at a fuzzed moment of its period.)
        int fuzzedAge = in.intIn(-256, 256);
        long offset = in.intIn(0, (int) (PERIOD / 1_000_000) - 1) * 1_000_000L;
        for (long age : new long[] {-2, -1, 0, 1, 2, 3, 255, fuzzedAge}) {
            long later = (counter + age) * PERIOD + offset;
            int got = codec.decodeMssIndex(cHi, cLo, sHi, sLo, cPort, sPort, cookie, isn, later);
            int expected = age == 0 || age == 1 ? index : Math.abs(age) < 256 ? CookieCodec.INVALID : got;
            if (got != expected) {
                throw new IllegalStateException(
                        "cookie issued at counter " + counter + " checked " + age + " periods later: " + got);
            }
        }

        // Another flow (the same one with fuzzed bits flipped), another value: the oracle decides.
        cHi ^= in.bool() ? in.int64() : 0;
        cLo ^= in.bool() ? in.int64() : 0;
        sHi ^= in.bool() ? in.int64() : 0;
        sLo ^= in.bool() ? in.int64() : 0;
        cPort ^= in.bool() ? in.int32() : 0;
        sPort ^= in.bool() ? in.int32() : 0;
        int checkedIsn = in.bool() ? isn ^ in.int32() : isn;
        int value = in.bool() ? in.int32() : cookie + in.intIn(-0x0200_0000, 0x0200_0000);
        int verdict = codec.decodeMssIndex(cHi, cLo, sHi, sLo, cPort, sPort, value, checkedIsn, now);
        int issued = issuedIndex(codec, cHi, cLo, sHi, sLo, cPort, sPort, checkedIsn, value, now);
        if (verdict != issued) {
            throw new IllegalStateException(String.format(
                    "value %08x checks as %d, but encode issued it at %d (flow %x %x %x %x %d %d isn %08x now %d)",
                    value, verdict, issued, cHi, cLo, sHi, sLo, cPort, sPort, checkedIsn, now));
        }
        // The handoffs' wrappers.
        if (codec.encodeRetry(cHi, cLo, sHi, sLo, cPort, sPort, mss, now)
                        != codec.encode(cHi, cLo, sHi, sLo, cPort, sPort, 0, mss, now)
                || codec.checkRetryRst(cHi, cLo, sHi, sLo, cPort, sPort, value, now)
                        != codec.decodeMssIndex(cHi, cLo, sHi, sLo, cPort, sPort, value, 0, now)
                || codec.checkResetAck(cHi, cLo, sHi, sLo, cPort, sPort, checkedIsn, value, now)
                        != codec.decodeMssIndex(cHi, cLo, sHi, sLo, cPort, sPort, value - 1, checkedIsn - 1, now)) {
            throw new IllegalStateException("a handoff wrapper disagrees with encode/decodeMssIndex");
        }
    }

    private static KeyRing ringWithSwitch(long switchCounter) {
        return new KeyRing(KEY_B, KEY_A, switchCounter * PERIOD, switchCounter, CookieKeys.NOT_SCHEDULED);
    }

    /**
     * The MSS index at which encode issued {@code value} for this flow and ISN in the period of
     * {@code now} or the one before, or INVALID when it never issued it: the oracle.
     */
    static int issuedIndex(
            CookieCodec codec,
            long cHi,
            long cLo,
            long sHi,
            long sLo,
            int cPort,
            int sPort,
            int isn,
            int value,
            long now) {
        for (long at : new long[] {now, now - PERIOD}) {
            for (int i = 0; i < MSS_TABLE.length; i++) {
                if (codec.encode(cHi, cLo, sHi, sLo, cPort, sPort, isn, MSS_TABLE[i], at) == value) {
                    return i;
                }
            }
        }
        return CookieCodec.INVALID;
    }

    // ------------------------------------------------------------------ responder

    /** One input's frames through one responder. */
    private static final class ResponderRun {
        private final FuzzInput in;
        private final boolean v6;
        private final Address target;
        private final String handoff;
        private final Mitigation mitigation;
        private final Responder responder;
        private final List<byte[]> sent = new ArrayList<>();
        private final FrameDecoder decoder = new FrameDecoder(LinkType.ETHERNET, new DecodeCounters());
        private final TcpSegment seg = new TcpSegment();
        private final TcpSegment answer = new TcpSegment();
        private byte[] lastSynAck;
        private long now;

        ResponderRun(FuzzInput in) {
            this.in = in;
            int h = in.u8() % HANDOFFS.length;
            this.handoff = HANDOFFS[h];
            this.v6 = in.bool();
            this.target = v6 ? TARGET6 : TARGET4;
            this.mitigation = Mitigation.detached(CONFIGS[h], target.hi(), target.lo());
            this.responder = mitigation.responder(LinkType.ETHERNET, (frame, length) -> {
                sent.add(java.util.Arrays.copyOf(frame, length));
                return true;
            });
            this.now = in.int64();
        }

        void run() {
            for (int op = 0; op < 8 && !in.exhausted(); op++) {
                now += in.intIn(0, 5_000) * 1_000_000L;
                byte[] frame = switch (in.u8() % 3) {
                    case 0 -> in.bytes(200);
                    case 1 -> built();
                    default -> replyToLastSynAck();
                };
                if (frame != null) {
                    feed(frame);
                }
            }
        }

        private byte[] address(boolean toTarget) {
            if (toTarget) {
                return v6 ? FrameBuilder.bytes("20010db8000000000000000000000001") : new byte[] {(byte) 198, 18, 0, 1};
            }
            byte[] a = new byte[v6 ? 16 : 4];
            for (int i = 0; i < a.length; i++) {
                a[i] = (byte) in.u8();
            }
            return a;
        }

        /** A segment with fuzzed fields; mostly to the target, mostly from a plain address. */
        private byte[] built() {
            FrameBuilder b = FrameBuilder.syn();
            if (v6) {
                b.ipv6();
            }
            int shape = in.u8();
            byte[] src = (shape & 1) == 0
                    ? (v6
                            ? FrameBuilder.bytes("20010db800000000000000000000" + String.format("%04x", in.u16()))
                            : new byte[] {(byte) 198, 19, (byte) in.u8(), (byte) in.u8()})
                    : address(false);
            b.src(src).dst(address((shape & 2) == 0));
            if ((shape & 4) != 0) {
                b.vlan(0x8100, in.u16() & 0xFFF);
            }
            b.ports(in.u16(), (shape & 8) == 0 ? 80 : in.u16());
            b.flags((shape & 16) == 0 ? TcpSegment.SYN : in.u8());
            b.seq(in.int32()).ack(in.int32());
            if ((shape & 32) != 0) {
                byte[] options = in.bytes(40);
                int[] words = new int[options.length & ~3];
                for (int i = 0; i < words.length; i++) {
                    words[i] = options[i] & 0xFF;
                }
                b.tcpOptions(words);
            } else {
                b.tcpOptions(Frames.MSS_ONLY_OPTIONS);
            }
            byte[] frame = b.build();
            if ((shape & 64) != 0 && frame.length > 0) {
                // One fuzzed byte anywhere: MACs, checksums, lengths.
                frame[in.u8() % frame.length] = (byte) in.u8();
            }
            return frame;
        }

        /** What the client's stack answers to the last SYN-ACK, with fuzzed flags and cookie error. */
        private byte[] replyToLastSynAck() {
            if (lastSynAck == null) {
                return null;
            }
            if (!decoder.decode(lastSynAck, lastSynAck.length, answer)) {
                throw new IllegalStateException("our own SYN-ACK does not decode");
            }
            boolean retry = !isResetSynAck();
            int flags = switch (in.u8() % 4) {
                case 0 -> TcpSegment.RST;
                case 1 -> TcpSegment.ACK;
                case 2 -> TcpSegment.RST | TcpSegment.ACK;
                default -> in.u8();
            };
            int error = in.bool() ? in.intIn(-4, 4) : 0;
            // Retry: <SEQ=SEG.ACK><CTL=RST>; reset: the third ACK, seq = isn + 1, ack = cookie + 1.
            int seq = retry ? answer.ack() + error : answer.ack();
            int ack = retry ? 0 : answer.seq() + 1 + error;
            FrameBuilder b = FrameBuilder.syn();
            if (v6) {
                b.ipv6();
            }
            return b.src(addressBytes(answer.dstHi(), answer.dstLo()))
                    .dst(addressBytes(answer.srcHi(), answer.srcLo()))
                    .ports(answer.dstPort(), answer.srcPort())
                    .flags(flags)
                    .seq(seq)
                    .ack(ack)
                    .build();
        }

        /** The last SYN-ACK was a reset one when its ACK is the SYN's ISN + 1: we remember the SYN. */
        private boolean isResetSynAck() {
            return answer.ack() == lastSynIsn + 1;
        }

        private int lastSynIsn;

        private byte[] addressBytes(long hi, long lo) {
            byte[] a = new byte[v6 ? 16 : 4];
            if (v6) {
                for (int i = 0; i < 8; i++) {
                    a[i] = (byte) (hi >>> (56 - 8 * i));
                    a[8 + i] = (byte) (lo >>> (56 - 8 * i));
                }
            } else {
                for (int i = 0; i < 4; i++) {
                    a[i] = (byte) (lo >>> (24 - 8 * i));
                }
            }
            return a;
        }

        private void feed(byte[] frame) {
            int length = frame.length;
            if (!decoder.decode(frame, length, seg)) {
                return;
            }
            long srcHi = seg.srcHi();
            long srcLo = seg.srcLo();
            boolean wasVerified = verified(srcHi, srcLo);
            sent.clear();
            if (seg.isSyn()) {
                responder.onSyn(frame, seg, now);
                checkSynAnswer(frame);
                return;
            }
            if (!seg.isSynAck()) {
                boolean expected = expectVerification(wasVerified);
                long badBefore = mitigation.responderCounters().getOrDefault("bad_cookies", 0L);
                responder.onReply(frame, seg, now);
                boolean nowVerified = !wasVerified && verified(srcHi, srcLo);
                if (nowVerified) {
                    (seg.isRst() ? Reached.RST_VERIFIED : Reached.ACK_VERIFIED).increment();
                }
                Reached.BAD_COOKIES.add(mitigation.responderCounters().getOrDefault("bad_cookies", 0L) - badBefore);
                if (nowVerified != expected) {
                    throw new IllegalStateException(
                            handoff + ": " + seg + (expected ? " should verify its source" : " verified its source"));
                }
                if (sent.size() > (nowVerified ? 1 : 0)) {
                    throw new IllegalStateException(sent.size() + " frames sent for " + seg);
                }
                for (byte[] out : sent) {
                    TcpSegment a = decodeOwn(out);
                    if (a.flags() != TcpSegment.RST || !handoff.equals("reset") && !handoff.equals("auto")) {
                        throw new IllegalStateException("after a verification, sent " + a + " in " + handoff);
                    }
                }
            }
            if (in.bool()) {
                // A caller that hands a non-SYN to onSyn: it must never be answered with a SYN-ACK.
                sent.clear();
                responder.onSyn(frame, seg, now);
                if (!sent.isEmpty()) {
                    throw new IllegalStateException("onSyn answered a non-SYN " + seg);
                }
            }
        }

        private boolean verified(long hi, long lo) {
            return mitigation.verified().verifiedAt(hi, lo, new net.synguard.pressure.AddressKey(0, 0))
                    != VerifiedSources.NOT_VERIFIED;
        }

        /** The oracle for onReply: handoff, flags, target, and the encode oracle for the value. */
        private boolean expectVerification(boolean wasVerified) {
            if (wasVerified || seg.dstHi() != target.hi() || seg.dstLo() != target.lo()) {
                return false;
            }
            boolean rst = (seg.flags() & TcpSegment.RST) != 0;
            boolean ack = (seg.flags() & TcpSegment.ACK) != 0;
            CookieCodec codec = mitigation.codec();
            if (rst && !ack && !handoff.equals("reset")) {
                return issuedIndex(
                                codec,
                                seg.srcHi(),
                                seg.srcLo(),
                                seg.dstHi(),
                                seg.dstLo(),
                                seg.srcPort(),
                                seg.dstPort(),
                                0,
                                seg.seq(),
                                now)
                        != CookieCodec.INVALID;
            }
            if (!rst && ack && !handoff.equals("retry")) {
                return issuedIndex(
                                codec,
                                seg.srcHi(),
                                seg.srcLo(),
                                seg.dstHi(),
                                seg.dstLo(),
                                seg.srcPort(),
                                seg.dstPort(),
                                seg.seq() - 1,
                                seg.ack() - 1,
                                now)
                        != CookieCodec.INVALID;
            }
            return false;
        }

        private void checkSynAnswer(byte[] frame) {
            if (sent.size() > 1) {
                throw new IllegalStateException(sent.size() + " SYN-ACKs for one SYN " + seg);
            }
            if (sent.isEmpty()) {
                return;
            }
            if (!seg.isSyn()
                    || !AnswerRules.answerable(seg, frame)
                    || seg.dstHi() != target.hi()
                    || seg.dstLo() != target.lo()) {
                throw new IllegalStateException("answered " + seg);
            }
            byte[] out = sent.get(0);
            TcpSegment a = decodeOwn(out);
            if (a.flags() != (TcpSegment.SYN | TcpSegment.ACK)
                    || a.srcHi() != seg.dstHi()
                    || a.srcLo() != seg.dstLo()
                    || a.dstHi() != seg.srcHi()
                    || a.dstLo() != seg.srcLo()
                    || a.srcPort() != seg.dstPort()
                    || a.dstPort() != seg.srcPort()
                    || !ChecksumVerifier.verifies(out, out.length)) {
                throw new IllegalStateException("SYN-ACK " + a + " for " + seg);
            }
            CookieCodec codec = mitigation.codec();
            boolean reset = a.ack() == seg.seq() + 1;
            int check = reset
                    ? codec.checkResetAck(
                            seg.srcHi(),
                            seg.srcLo(),
                            seg.dstHi(),
                            seg.dstLo(),
                            seg.srcPort(),
                            seg.dstPort(),
                            seg.seq() + 1,
                            a.seq() + 1,
                            now)
                    : codec.checkRetryRst(
                            seg.srcHi(),
                            seg.srcLo(),
                            seg.dstHi(),
                            seg.dstLo(),
                            seg.srcPort(),
                            seg.dstPort(),
                            a.ack(),
                            now);
            if (check != CookieCodec.mssIndex(seg.mss()) || a.mss() != CookieCodec.mssOf(check)) {
                throw new IllegalStateException("SYN-ACK " + a + " carries a cookie that checks as " + check);
            }
            lastSynAck = out;
            lastSynIsn = seg.seq();
            Reached.SYN_ACKS.increment();
        }

        private TcpSegment decodeOwn(byte[] out) {
            TcpSegment a = new TcpSegment();
            if (!new FrameDecoder(LinkType.ETHERNET, new DecodeCounters()).decode(out, out.length, a)) {
                throw new IllegalStateException("our own answer does not decode");
            }
            return a;
        }
    }
}
