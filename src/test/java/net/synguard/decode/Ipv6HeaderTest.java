package net.synguard.decode;

import static net.synguard.decode.Decoding.decoded;
import static net.synguard.decode.Decoding.outcome;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class Ipv6HeaderTest {

    @Test
    void addressesAndHopLimit() {
        TcpSegment s = decoded(FrameBuilder.syn().ipv6().ttl(57).build());
        assertThat(s.ipVersion()).isEqualTo(6);
        assertThat(s.ttl()).isEqualTo(57);
        assertThat(s.srcHi()).isEqualTo(0x2001_0db8_0000_0000L);
        assertThat(s.srcLo()).isEqualTo(7L);
        assertThat(Addresses.format(s.dstHi(), s.dstLo())).isEqualTo("2001:db8::a");
        assertThat(s.l4Offset()).isEqualTo(14 + 40);
    }

    @Test
    void hopByHopRoutingAndDestinationOptionsAreWalked() {
        TcpSegment s = decoded(FrameBuilder.syn()
                .ipv6()
                .optionsHeader(0)
                .optionsHeader(60)
                .optionsHeader(43)
                .optionsHeader(60)
                .payload(5)
                .build());
        assertThat(s.l4Offset()).isEqualTo(14 + 40 + 32);
        assertThat(s.payloadLength()).isEqualTo(5);
        assertThat(s.isSyn()).isTrue();
    }

    @Test
    void longerOptionsHeaderUsesEightByteUnits() {
        byte[] header = new byte[24];
        header[1] = 2; // (2 + 1) * 8
        header[2] = 1; // PadN over the rest
        header[3] = 20;
        TcpSegment s = decoded(FrameBuilder.syn().ipv6().extension(60, header).build());
        assertThat(s.l4Offset()).isEqualTo(14 + 40 + 24);
    }

    @Test
    void authenticationHeaderUsesFourByteUnitsPlusTwo() {
        TcpSegment s = decoded(FrameBuilder.syn().ipv6().authenticationHeader().build());
        assertThat(s.l4Offset()).isEqualTo(14 + 40 + 24);
    }

    @Test
    void atomicFragmentIsAWholePacket() {
        TcpSegment s =
                decoded(FrameBuilder.syn().ipv6().fragmentHeader(0, false).build());
        assertThat(s.fragmented()).isFalse();
        assertThat(s.l4Offset()).isEqualTo(14 + 48);
    }

    @Test
    void firstFragmentWithMoreFlagIsFragmented() {
        TcpSegment s = decoded(
                FrameBuilder.syn().ipv6().fragmentHeader(0, true).payload(8).build());
        assertThat(s.fragmented()).isTrue();
        assertThat(s.payloadLength()).isEqualTo(8);
    }

    @Test
    void laterFragmentIsSkipped() {
        assertThat(outcome(FrameBuilder.syn().ipv6().fragmentHeader(3, true).build()))
                .isEqualTo(DecodeOutcome.IPV6_FRAGMENT_TAIL);
        assertThat(outcome(FrameBuilder.syn().ipv6().fragmentHeader(3, false).build()))
                .isEqualTo(DecodeOutcome.IPV6_FRAGMENT_TAIL);
    }

    @Test
    void espIsSkipped() {
        assertThat(outcome(FrameBuilder.syn().ipv6().protocol(50).build())).isEqualTo(DecodeOutcome.IPV6_ESP);
        assertThat(outcome(
                        FrameBuilder.syn().ipv6().optionsHeader(60).protocol(50).build()))
                .isEqualTo(DecodeOutcome.IPV6_ESP);
    }

    @Test
    void noNextHeaderIcmpv6AndUnknownAreNotTcp() {
        assertThat(outcome(FrameBuilder.syn().ipv6().protocol(59).build())).isEqualTo(DecodeOutcome.NOT_TCP);
        assertThat(outcome(FrameBuilder.syn().ipv6().protocol(58).build())).isEqualTo(DecodeOutcome.NOT_TCP);
        assertThat(outcome(
                        FrameBuilder.syn().ipv6().optionsHeader(0).protocol(135).build()))
                .isEqualTo(DecodeOutcome.NOT_TCP);
    }

    @Test
    void eightExtensionHeadersAreAllowed() {
        FrameBuilder b = FrameBuilder.syn().ipv6();
        for (int i = 0; i < Ipv6ExtensionHeaders.MAX_HEADERS; i++) {
            b.optionsHeader(60);
        }
        assertThat(decoded(b.build()).l4Offset()).isEqualTo(14 + 40 + 64);
    }

    @Test
    void payloadLengthBeyondCaptureIsFineWhenTcpHeaderIsThere() {
        byte[] frame = FrameBuilder.syn().ipv6().optionsHeader(0).payload(500).build();
        TcpSegment out = new TcpSegment();
        assertThat(new FrameDecoder(1, new DecodeCounters()).decode(frame, 14 + 40 + 8 + 20, out))
                .isTrue();
        assertThat(out.payloadLength()).isEqualTo(500);
    }
}
