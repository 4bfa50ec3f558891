package net.synguard.mitigate;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import net.synguard.capture.LinkType;
import net.synguard.decode.FrameBuilder;
import net.synguard.decode.TcpSegment;
import org.junit.jupiter.api.Test;

/** The responder answers on the capture thread: building an answer must not allocate. */
class SynAckBuilderAllocationTest {
    private static final int BUILDS = 1_000_000;

    @Test
    void buildingAllocatesNothing() {
        byte[][] frames = {
            FrameBuilder.syn().tcpOptions(Frames.TS_OPTIONS).build(),
            FrameBuilder.syn()
                    .ipv6()
                    .optionsHeader(0)
                    .tcpOptions(Frames.TS_OPTIONS)
                    .build(),
            FrameBuilder.syn().vlan(0x8100, 10).build(),
            FrameBuilder.syn().ipv6().vlan(0x88A8, 10).vlan(0x8100, 20).build(),
            FrameBuilder.syn().src(new byte[] {(byte) 224, 0, 0, 1}).build(), // not answerable
        };
        TcpSegment[] segments = new TcpSegment[frames.length];
        for (int i = 0; i < frames.length; i++) {
            segments[i] = Frames.decode(frames[i]);
        }
        SynAckBuilder builder = new SynAckBuilder(LinkType.ETHERNET);
        byte[] out = new byte[SynAckBuilder.MAX_FRAME_LENGTH];
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

        long sink = run(builder, frames, segments, out, BUILDS); // warm-up: let C2 compile the loop
        long before = threads.getCurrentThreadAllocatedBytes();
        sink += run(builder, frames, segments, out, BUILDS);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(allocated).as("bytes allocated by %d builds", BUILDS).isLessThan(1024);
        assertThat(sink).isPositive();
    }

    private static long run(SynAckBuilder builder, byte[][] frames, TcpSegment[] segments, byte[] out, int n) {
        long total = 0;
        for (int i = 0; i < n; i++) {
            int k = i % frames.length;
            int length = switch (i & 3) {
                case 0 -> builder.synAck(frames[k], segments[k], i, ~i, 65_535, 1460, out);
                case 1 -> builder.synAckWithTimestamps(frames[k], segments[k], i, ~i, 65_535, 536, i * 31, out);
                case 2 -> builder.rst(frames[k], segments[k], i + 1, out);
                default -> SynAckBuilder.answerable(segments[k], frames[k]) ? 1 : 0;
            };
            total += length + out[length > 20 ? 20 : 0];
        }
        return total;
    }
}
