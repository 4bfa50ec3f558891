package net.synguard.decode;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import net.synguard.capture.LinkType;

/**
 * Jazzer targets. Under plain {@code mvn test} they run in regression mode over the checked-in
 * inputs in {@code FrameDecoderFuzzTestInputs/<method>/}; with {@code JAZZER_FUZZ=1} they fuzz.
 * Any exception, and any broken invariant ({@link FrameDecoderFuzzTarget}), is a finding. The
 * long campaign runs {@link FrameDecoderFuzzTarget} directly (tests/fuzz/campaign.sh).
 */
class FrameDecoderFuzzTest {
    private static final int[] LINK_TYPES = {LinkType.ETHERNET, LinkType.LINUX_SLL, LinkType.RAW, LinkType.RAW_OLD};

    /** One Ethernet frame per input, as libpcap would hand it over. */
    @FuzzTest(maxDuration = "30s")
    void ethernetFrame(byte[] frame) {
        FrameDecoderFuzzTarget.ethernet(frame);
    }

    /** Any link type, and a length that may disagree with the array. */
    @FuzzTest(maxDuration = "30s")
    void anyLinkTypeAndLength(FuzzedDataProvider data) {
        int linkType = data.pickValue(LINK_TYPES);
        int lengthDelta = data.consumeInt(-70, 70);
        byte[] frame = data.consumeRemainingAsBytes();
        FrameDecoderFuzzTarget.anyLinkType(
                FrameDecoderFuzzTarget.linkTypeIndex(linkType), frame, frame.length + lengthDelta);
    }
}
