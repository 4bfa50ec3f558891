package net.synguard.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import net.synguard.capture.LinkType;
import org.junit.jupiter.api.Test;

/** The decoder runs once per captured frame: it must not allocate, whatever the frame holds. */
class FrameDecoderAllocationTest {
    private static final int DECODES = 1_000_000;

    @Test
    void decodingAllocatesNothing() {
        byte[][] frames = {
            FrameBuilder.syn()
                    .tcpOptions(2, 4, 5, 0xB4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7)
                    .build(),
            FrameBuilder.syn().ipv6().optionsHeader(0).fragmentHeader(0, true).build(),
            FrameBuilder.syn()
                    .vlan(0x88A8, 10)
                    .vlan(0x8100, 20)
                    .flags(TcpSegment.ACK)
                    .payload(100)
                    .build(),
            FrameBuilder.syn().tcpOptions(2, 0, 0, 0).build(), // options anomaly
            FrameBuilder.syn().protocol(17).build(), // skipped
            FrameBuilder.syn().dataOffset(3).build(), // malformed
            new byte[7],
        };
        DecodeCounters counters = new DecodeCounters();
        FrameDecoder decoder = new FrameDecoder(LinkType.ETHERNET, counters);
        TcpSegment out = new TcpSegment();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

        long sink = run(decoder, frames, out, DECODES); // warm-up: let C2 compile the loop
        long before = threads.getCurrentThreadAllocatedBytes();
        sink += run(decoder, frames, out, DECODES);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(allocated).as("bytes allocated by %d decodes", DECODES).isLessThan(1024);
        assertThat(sink).isPositive();
        assertThat(counters.framesTotal()).isEqualTo(2L * DECODES);
    }

    private static long run(FrameDecoder decoder, byte[][] frames, TcpSegment out, int n) {
        long decoded = 0;
        for (int i = 0; i < n; i++) {
            byte[] frame = frames[i % frames.length];
            if (decoder.decode(frame, frame.length, out)) {
                decoded += out.srcPort();
            }
        }
        return decoded;
    }
}
