package net.synguard.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.quicktheories.QuickTheory.qt;

import java.util.List;
import net.synguard.capture.LinkType;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

class FrameDecoderPropertiesTest {
    private static final Gen<Integer> LINK_TYPES =
            Generate.pick(List.of(LinkType.ETHERNET, LinkType.LINUX_SLL, LinkType.RAW, LinkType.RAW_OLD, 0, 276));
    private static final Gen<GeneratedFrame> FRAMES = Generate.longRange(Long.MIN_VALUE, Long.MAX_VALUE)
            .map(GeneratedFrame::from)
            .describedAs(Object::toString);

    @Test
    void anyBytesAndAnyLengthNeverThrow() {
        qt().withExamples(20_000)
                .forAll(
                        Generate.byteArrays(
                                Generate.range(0, 160), Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0)),
                        Generate.range(-5, 400),
                        LINK_TYPES)
                .checkAssert(FrameDecoderPropertiesTest::decodeChecked);
    }

    @Test
    void validFramesWithBytesFlippedNeverThrow() {
        qt().withExamples(20_000)
                .forAll(
                        FRAMES,
                        Generate.range(0, 1 << 20),
                        Generate.range(1, 4),
                        Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0))
                .checkAssert((frame, position, flips, value) -> {
                    byte[] bytes = frame.bytes().clone();
                    for (int i = 0; i < flips; i++) {
                        bytes[(position * (i + 7)) % bytes.length] ^= (byte) (value + i);
                    }
                    decodeChecked(bytes, bytes.length, frame.linkType());
                });
    }

    @Test
    void validFramesRoundTrip() {
        qt().withExamples(5_000).forAll(FRAMES).checkAssert(f -> {
            TcpSegment s = new TcpSegment();
            DecodeCounters counters = new DecodeCounters();
            DecodeOutcome outcome =
                    new FrameDecoder(f.linkType(), counters).decodeOutcome(f.bytes(), f.bytes().length, s);
            assertThat(outcome).as("%s", f).isEqualTo(DecodeOutcome.DECODED);
            assertThat(s.ipVersion()).isEqualTo(f.ipVersion());
            assertThat(new Address(s.srcHi(), s.srcLo())).isEqualTo(f.srcAddress());
            assertThat(new Address(s.dstHi(), s.dstLo())).isEqualTo(f.dstAddress());
            assertThat(s.ttl()).isEqualTo(f.ttl());
            assertThat(s.vlanCount()).isEqualTo(f.vlanCount());
            assertThat(s.outerVlanId()).isEqualTo(f.outerVlanId());
            assertThat(s.srcPort()).isEqualTo(f.srcPort());
            assertThat(s.dstPort()).isEqualTo(f.dstPort());
            assertThat(s.seq()).isEqualTo(f.seq());
            assertThat(s.ack()).isEqualTo(f.ack());
            assertThat(s.flags()).isEqualTo(f.flags());
            assertThat(s.window()).isEqualTo(f.window());
            assertThat(s.mss()).isEqualTo(f.mss());
            assertThat(s.windowScale()).isEqualTo(f.windowScale());
            assertThat(s.sackPermitted()).isEqualTo(f.sackPermitted());
            assertThat(s.hasTimestamps()).isEqualTo(f.timestamps());
            assertThat(s.tsVal()).isEqualTo(f.tsVal());
            assertThat(s.tsEcr()).isEqualTo(f.tsEcr());
            assertThat(s.headerLength()).isEqualTo(f.headerLength());
            assertThat(s.payloadLength()).isEqualTo(f.payloadLength());
            assertThat(s.fragmented()).isEqualTo(f.fragmented());
            assertThat(s.optionsMalformed()).isFalse();
            assertThat(counters.count(DecodeOutcome.IP_FIRST_FRAGMENT)).isEqualTo(f.fragmented() ? 1 : 0);
        });
    }

    @Test
    void truncatedFramesNeverThrowNorReachPastTheLength() {
        qt().withExamples(20_000).forAll(FRAMES, Generate.range(0, 1 << 20)).checkAssert((f, cut) -> {
            int length = cut % (f.bytes().length + 1);
            TcpSegment s = decodeChecked(f.bytes(), length, f.linkType());
            if (s != null) {
                assertThat(s.l4Offset() + s.headerLength()).isLessThanOrEqualTo(length);
            }
        });
    }

    /** Decodes and checks what must hold for any input; returns the segment when one was decoded. */
    private static TcpSegment decodeChecked(byte[] bytes, int length, int linkType) {
        DecodeCounters counters = new DecodeCounters();
        TcpSegment s = new TcpSegment();
        FrameDecoder decoder = new FrameDecoder(linkType, counters);
        boolean[] decoded = new boolean[1];
        assertThatCode(() -> decoded[0] = decoder.decode(bytes, length, s)).doesNotThrowAnyException();
        assertThat(counters.framesTotal()).isEqualTo(1);
        assertThat(counters.decodedTotal()).isEqualTo(decoded[0] ? 1 : 0);
        if (!decoded[0]) {
            assertThat(counters.anomalyTotal()).isZero();
            return null;
        }
        int available = Math.min(length, bytes.length);
        assertThat(s.ipVersion()).isIn(4, 6);
        assertThat(s.l3Offset()).isBetween(0, available);
        assertThat(s.l4Offset()).isGreaterThanOrEqualTo(s.l3Offset() + 20);
        assertThat(s.headerLength()).isBetween(20, 60);
        assertThat(s.headerLength() % 4).isZero();
        assertThat(s.l4Offset() + s.headerLength()).isLessThanOrEqualTo(available);
        assertThat(s.payloadLength()).isBetween(0, 65_535);
        assertThat(s.vlanCount()).isBetween(0, 2);
        assertThat(s.flags()).isBetween(0, 0x1FF);
        return s;
    }
}
