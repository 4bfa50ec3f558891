package net.synguard.mitigate;

import static org.assertj.core.api.Assertions.assertThat;

import net.synguard.capture.LinkType;
import net.synguard.decode.DecodeCounters;
import net.synguard.decode.FrameDecoder;
import net.synguard.decode.TcpSegment;

/** Test shorthands: decode a frame with the project's decoder, the way the responder will get it. */
final class Frames {
    static final int[] TS_OPTIONS = {2, 4, 5, 0xB4, 4, 2, 8, 10, 0x11, 0x22, 0x33, 0x44, 0, 0, 0, 0, 1, 3, 3, 7};
    static final int TS_OPTIONS_TSVAL = 0x1122_3344;
    static final int[] MSS_ONLY_OPTIONS = {2, 4, 5, 0xB4};

    private Frames() {}

    static TcpSegment decode(byte[] frame) {
        return decode(frame, frame.length);
    }

    static TcpSegment decode(byte[] frame, int length) {
        TcpSegment out = new TcpSegment();
        boolean ok = new FrameDecoder(LinkType.ETHERNET, new DecodeCounters()).decode(frame, length, out);
        assertThat(ok).as("decodes: %s", out).isTrue();
        return out;
    }

    static void setMac(byte[] frame, int offset, String mac) {
        String[] parts = mac.split(":");
        for (int i = 0; i < 6; i++) {
            frame[offset + i] = (byte) Integer.parseInt(parts[i], 16);
        }
    }
}
