package net.synguard.decode;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import net.synguard.capture.LinkType;

/**
 * Jazzer targets. Under plain {@code mvn test} they run in regression mode over the checked-in
 * inputs in {@code FrameDecoderFuzzTestInputs/<method>/}; with {@code JAZZER_FUZZ=1} they fuzz.
 * Any exception, and any broken invariant, is a finding.
 */
class FrameDecoderFuzzTest {
    private static final int[] LINK_TYPES = {LinkType.ETHERNET, LinkType.LINUX_SLL, LinkType.RAW, LinkType.RAW_OLD};

    private final DecodeCounters counters = new DecodeCounters();
    private final TcpSegment segment = new TcpSegment();
    private final FrameDecoder ethernet = new FrameDecoder(LinkType.ETHERNET, counters);

    /** One Ethernet frame per input, as libpcap would hand it over. */
    @FuzzTest(maxDuration = "30s")
    void ethernetFrame(byte[] frame) {
        check(ethernet, frame, frame.length);
    }

    /** Any link type, and a length that may disagree with the array. */
    @FuzzTest(maxDuration = "30s")
    void anyLinkTypeAndLength(FuzzedDataProvider data) {
        int linkType = data.pickValue(LINK_TYPES);
        int lengthDelta = data.consumeInt(-70, 70);
        byte[] frame = data.consumeRemainingAsBytes();
        check(new FrameDecoder(linkType, counters), frame, frame.length + lengthDelta);
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
