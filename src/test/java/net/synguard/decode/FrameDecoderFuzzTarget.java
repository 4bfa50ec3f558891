package net.synguard.decode;

import net.synguard.capture.LinkType;
import net.synguard.fuzz.FuzzInput;

/**
 * The frame decoder's fuzz target, for the Jazzer campaign (tests/fuzz/campaign.sh) and the corpus
 * replay in CI (FuzzCorpusReplayTest). Each input is decoded twice: whole, as one Ethernet frame
 * the way libpcap hands it over; and, from its third byte on, with the link type its first byte
 * picks and a captured length its second byte moves away from the array's. Any exception, and any
 * broken invariant below, is a finding.
 */
public final class FrameDecoderFuzzTarget {
    private static final int[] LINK_TYPES = {LinkType.ETHERNET, LinkType.LINUX_SLL, LinkType.RAW, LinkType.RAW_OLD};

    private final DecodeCounters counters = new DecodeCounters();
    private final TcpSegment segment = new TcpSegment();
    private final FrameDecoder[] decoders = new FrameDecoder[LINK_TYPES.length];

    private static final ThreadLocal<FrameDecoderFuzzTarget> TARGET =
            ThreadLocal.withInitial(FrameDecoderFuzzTarget::new);

    private FrameDecoderFuzzTarget() {
        for (int i = 0; i < LINK_TYPES.length; i++) {
            decoders[i] = new FrameDecoder(LINK_TYPES[i], counters);
        }
    }

    /** Jazzer's entry point. */
    public static void fuzzerTestOneInput(byte[] data) {
        FrameDecoderFuzzTarget t = TARGET.get();
        t.check(t.decoders[0], data, data.length);
        FuzzInput in = new FuzzInput(data);
        FrameDecoder decoder = t.decoders[in.u8() % LINK_TYPES.length];
        int lengthDelta = (byte) in.u8() % 71; // -70..70
        byte[] frame = in.rest();
        t.check(decoder, frame, frame.length + lengthDelta);
    }

    /** One Ethernet frame, whole. */
    static void ethernet(byte[] frame) {
        FrameDecoderFuzzTarget t = TARGET.get();
        t.check(t.decoders[0], frame, frame.length);
    }

    /** A frame of {@code linkType} (an index into the four supported) with a disagreeing length. */
    static void anyLinkType(int linkTypeIndex, byte[] frame, int length) {
        FrameDecoderFuzzTarget t = TARGET.get();
        t.check(t.decoders[Math.floorMod(linkTypeIndex, LINK_TYPES.length)], frame, length);
    }

    static int linkTypeIndex(int linkType) {
        for (int i = 0; i < LINK_TYPES.length; i++) {
            if (LINK_TYPES[i] == linkType) {
                return i;
            }
        }
        throw new IllegalArgumentException("link type " + linkType);
    }

    private void check(FrameDecoder decoder, byte[] frame, int length) {
        long before = counters.framesTotal();
        boolean decoded = decoder.decode(frame, length, segment);
        if (counters.framesTotal() != before + 1) {
            throw new IllegalStateException("expected exactly one outcome counted, counters: " + counters);
        }
        if (!decoded) {
            return;
        }
        int available = Math.min(length, frame.length);
        int end = segment.l4Offset() + segment.headerLength();
        if (end > available
                || segment.headerLength() < 20
                || segment.headerLength() > 60
                || segment.l4Offset() < segment.l3Offset() + 20
                || segment.payloadLength() < 0
                || (segment.ipVersion() != 4 && segment.ipVersion() != 6)
                || segment.vlanCount() > 2) {
            throw new IllegalStateException("invariant broken for " + segment + " with " + available + " bytes");
        }
    }
}
