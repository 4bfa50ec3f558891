package net.synguard.decode;

import static net.synguard.decode.Decoding.decoded;
import static net.synguard.decode.Decoding.outcome;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class Ipv4HeaderTest {

    @Test
    void addressesAreIpv4Mapped() {
        TcpSegment s = decoded(FrameBuilder.syn()
                .src(new byte[] {(byte) 198, 51, 100, 7})
                .dst(new byte[] {(byte) 192, 0, 2, (byte) 250})
                .build());
        assertThat(s.ipVersion()).isEqualTo(4);
        assertThat(s.srcHi()).isZero();
        assertThat(s.srcLo()).isEqualTo(0x0000_FFFF_C633_6407L);
        assertThat(s.dstLo()).isEqualTo(0x0000_FFFF_C000_02FAL);
        assertThat(Addresses.format(s.dstHi(), s.dstLo())).isEqualTo("192.0.2.250");
    }

    @Test
    void ttlIsRead() {
        assertThat(decoded(FrameBuilder.syn().ttl(242).build()).ttl()).isEqualTo(242);
    }

    @Test
    void optionsAreSkippedByIhl() {
        // Record Route (7), 11 bytes, then EOL padding: IHL 8
        TcpSegment s = decoded(FrameBuilder.syn()
                .ipv4Options(new byte[] {7, 11, 4, 0, 0, 0, 0, 0, 0, 0, 0})
                .ports(1234, 443)
                .build());
        assertThat(s.l4Offset()).isEqualTo(14 + 32);
        assertThat(s.srcPort()).isEqualTo(1234);
        assertThat(s.dstPort()).isEqualTo(443);
    }

    @Test
    void totalLengthBeyondCaptureIsFineWhenTcpHeaderIsThere() {
        byte[] frame = FrameBuilder.syn().flags(TcpSegment.ACK).payload(1000).build();
        TcpSegment out = new TcpSegment();
        FrameDecoder decoder = new FrameDecoder(1, new DecodeCounters());
        assertThat(decoder.decode(frame, 14 + 20 + 20, out)).isTrue();
        assertThat(out.payloadLength()).as("from the header, not the capture").isEqualTo(1000);
    }

    @Test
    void ethernetPaddingDoesNotCountAsPayload() {
        TcpSegment s = decoded(FrameBuilder.syn().trailer(6).build());
        assertThat(s.payloadLength()).isZero();
    }

    @Test
    void dontFragmentIsNotFragmented() {
        TcpSegment s = decoded(FrameBuilder.syn().fragmentField(0x4000).build());
        assertThat(s.fragmented()).isFalse();
    }

    @Test
    void firstFragmentWithWholeTcpHeaderDecodesAndIsCounted() {
        DecodeCounters counters = new DecodeCounters();
        TcpSegment s = new TcpSegment();
        byte[] frame =
                FrameBuilder.syn().fragmentField(Ipv4Header.MF).payload(16).build();
        assertThat(new FrameDecoder(1, counters).decode(frame, frame.length, s)).isTrue();
        assertThat(s.fragmented()).isTrue();
        assertThat(s.isSyn()).isTrue();
        assertThat(counters.count(DecodeOutcome.IP_FIRST_FRAGMENT)).isEqualTo(1);
    }

    @Test
    void nonFirstFragmentIsSkipped() {
        assertThat(outcome(FrameBuilder.syn().fragmentField(185).build())).isEqualTo(DecodeOutcome.IPV4_FRAGMENT_TAIL);
        assertThat(outcome(FrameBuilder.syn().fragmentField(Ipv4Header.MF | 1).build()))
                .isEqualTo(DecodeOutcome.IPV4_FRAGMENT_TAIL);
    }

    @Test
    void udpIsNotTcpEvenWhenFragmented() {
        assertThat(outcome(FrameBuilder.syn().protocol(17).build())).isEqualTo(DecodeOutcome.NOT_TCP);
        assertThat(outcome(FrameBuilder.syn().protocol(17).fragmentField(179).build()))
                .isEqualTo(DecodeOutcome.NOT_TCP);
    }
}
