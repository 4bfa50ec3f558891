package net.synguard.decode;

import static net.synguard.decode.Decoding.decoded;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TcpHeaderTest {

    @Test
    void fieldsAreRead() {
        TcpSegment s = decoded(FrameBuilder.syn()
                .ports(65_535, 25_565)
                .seq(0xFEDC_BA98)
                .ack(0x0102_0304)
                .flags(TcpSegment.ACK | TcpSegment.PSH)
                .window(0xFFFF)
                .payload(100)
                .build());
        assertThat(s.srcPort()).isEqualTo(65_535);
        assertThat(s.dstPort()).isEqualTo(25_565);
        assertThat(s.seq()).isEqualTo(0xFEDC_BA98);
        assertThat(s.ack()).isEqualTo(0x0102_0304);
        assertThat(s.flags()).isEqualTo(TcpSegment.ACK | TcpSegment.PSH);
        assertThat(s.window()).isEqualTo(0xFFFF);
        assertThat(s.headerLength()).isEqualTo(20);
        assertThat(s.payloadLength()).isEqualTo(100);
        assertThat(s.hasAck()).isTrue();
        assertThat(s.isSyn()).isFalse();
    }

    @Test
    void everyFlagBitIncludingNs() {
        int all = 0x1FF;
        TcpSegment s = decoded(FrameBuilder.syn().flags(all).build());
        assertThat(s.flags()).isEqualTo(all);
        assertThat(s.isSynAck()).isTrue();
        assertThat(s.isRst()).isTrue();
        assertThat(s.isFin()).isTrue();
        assertThat(decoded(FrameBuilder.syn()
                                .flags(TcpSegment.NS | TcpSegment.SYN)
                                .build())
                        .flags())
                .isEqualTo(TcpSegment.NS | TcpSegment.SYN);
    }

    @Test
    void synWithEceAndCwrIsStillASyn() {
        TcpSegment s = decoded(FrameBuilder.syn()
                .flags(TcpSegment.SYN | TcpSegment.ECE | TcpSegment.CWR)
                .build());
        assertThat(s.isSyn()).isTrue();
    }

    @Test
    void rstAck() {
        TcpSegment s = decoded(
                FrameBuilder.syn().flags(TcpSegment.RST | TcpSegment.ACK).build());
        assertThat(s.isRst()).isTrue();
        assertThat(s.isSyn()).isFalse();
    }

    @Test
    void headerLengthIncludesOptions() {
        TcpSegment s =
                decoded(FrameBuilder.syn().tcpOptions(2, 4, 5, 0xB4).payload(3).build());
        assertThat(s.headerLength()).isEqualTo(24);
        assertThat(s.payloadLength()).isEqualTo(3);
    }

    @Test
    void maximumDataOffsetOfSixtyBytes() {
        int[] options = new int[40];
        java.util.Arrays.fill(options, 1);
        TcpSegment s = decoded(FrameBuilder.syn().tcpOptions(options).build());
        assertThat(s.headerLength()).isEqualTo(60);
        assertThat(s.optionsMalformed()).isFalse();
    }
}
