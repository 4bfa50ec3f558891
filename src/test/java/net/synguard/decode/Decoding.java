package net.synguard.decode;

import static org.assertj.core.api.Assertions.assertThat;

import net.synguard.capture.LinkType;

/** Test shorthands around one decoder per call. */
final class Decoding {
    private Decoding() {}

    static DecodeOutcome outcome(byte[] frame) {
        return outcome(LinkType.ETHERNET, frame, frame.length);
    }

    static DecodeOutcome outcome(int linkType, byte[] frame, int length) {
        return new FrameDecoder(linkType, new DecodeCounters()).decodeOutcome(frame, length, new TcpSegment());
    }

    static TcpSegment decoded(byte[] frame) {
        return decoded(LinkType.ETHERNET, frame);
    }

    static TcpSegment decoded(int linkType, byte[] frame) {
        TcpSegment out = new TcpSegment();
        DecodeOutcome outcome =
                new FrameDecoder(linkType, new DecodeCounters()).decodeOutcome(frame, frame.length, out);
        assertThat(outcome).as("outcome of %s", out).isEqualTo(DecodeOutcome.DECODED);
        return out;
    }
}
