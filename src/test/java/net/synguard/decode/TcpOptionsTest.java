package net.synguard.decode;

import static net.synguard.decode.Decoding.decoded;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TcpOptionsTest {

    @Test
    void linuxSynOptions() {
        // MSS 1460, SACK-permitted, TS 0xAABBCCDD/0, NOP, WS 7: what a Linux client sends
        TcpSegment s = decoded(FrameBuilder.syn()
                .tcpOptions(2, 4, 0x05, 0xB4, 4, 2, 8, 10, 0xAA, 0xBB, 0xCC, 0xDD, 0, 0, 0, 0, 1, 3, 3, 7)
                .build());
        assertThat(s.mss()).isEqualTo(1460);
        assertThat(s.sackPermitted()).isTrue();
        assertThat(s.hasTimestamps()).isTrue();
        assertThat(s.tsVal()).isEqualTo(0xAABB_CCDD);
        assertThat(s.tsEcr()).isZero();
        assertThat(s.windowScale()).isEqualTo(7);
        assertThat(s.optionsMalformed()).isFalse();
    }

    @Test
    void absentOptionsKeepTheirDefaults() {
        TcpSegment s = decoded(FrameBuilder.syn().build());
        assertThat(s.mss()).isEqualTo(-1);
        assertThat(s.windowScale()).isEqualTo(-1);
        assertThat(s.sackPermitted()).isFalse();
        assertThat(s.hasTimestamps()).isFalse();
    }

    @Test
    void sackBlocksAndUnknownKindsAreSkippedByLength() {
        TcpSegment s = decoded(FrameBuilder.syn()
                .flags(TcpSegment.ACK)
                .tcpOptions(1, 1, 5, 10, 0, 0, 0, 1, 0, 0, 0, 2, 34, 4, 0xDE, 0xAD, 2, 4, 0x02, 0x18)
                .build());
        assertThat(s.mss()).isEqualTo(0x218);
        assertThat(s.optionsMalformed()).isFalse();
    }

    @Test
    void endOfListStopsParsing() {
        TcpSegment s =
                decoded(FrameBuilder.syn().tcpOptions(0, 0, 0, 0, 2, 4, 5, 0xB4).build());
        assertThat(s.mss()).isEqualTo(-1);
        assertThat(s.optionsMalformed()).isFalse();
    }

    @Test
    void lengthBelowTwoStopsParsingAndFlags() {
        TcpSegment s = decoded(
                FrameBuilder.syn().tcpOptions(2, 4, 5, 0xB4, 99, 1, 3, 3, 7).build());
        assertThat(s.mss()).as("read before the bad one").isEqualTo(1460);
        assertThat(s.windowScale()).as("not read after it").isEqualTo(-1);
        assertThat(s.optionsMalformed()).isTrue();
    }

    @Test
    void optionRunningPastTheHeaderFlags() {
        TcpSegment s = decoded(FrameBuilder.syn().tcpOptions(1, 1, 8, 10).build());
        assertThat(s.hasTimestamps()).isFalse();
        assertThat(s.optionsMalformed()).isTrue();
    }

    @Test
    void kindWithoutLengthByteAtTheEndFlags() {
        TcpSegment s = decoded(FrameBuilder.syn().tcpOptions(1, 1, 1, 2).build());
        assertThat(s.optionsMalformed()).isTrue();
    }

    @Test
    void wrongFixedLengthIsIgnoredAndParsingGoesOn() {
        // MSS with length 6, then WS: Linux ignores the MSS and still reads the WS
        TcpSegment s = decoded(
                FrameBuilder.syn().tcpOptions(2, 6, 5, 0xB4, 0, 0, 3, 3, 9).build());
        assertThat(s.mss()).isEqualTo(-1);
        assertThat(s.windowScale()).isEqualTo(9);
        assertThat(s.optionsMalformed()).isTrue();
    }

    @Test
    void wrongLengthsForEachKnownKindFlag() {
        assertThat(decoded(FrameBuilder.syn().tcpOptions(3, 4, 7, 0).build()).optionsMalformed())
                .isTrue();
        assertThat(decoded(FrameBuilder.syn().tcpOptions(4, 3, 0, 0).build()).optionsMalformed())
                .isTrue();
        assertThat(decoded(FrameBuilder.syn().tcpOptions(5, 2, 0, 0).build()).optionsMalformed())
                .isTrue();
        assertThat(decoded(FrameBuilder.syn().tcpOptions(5, 6, 0, 0, 0, 0, 0, 0).build())
                        .optionsMalformed())
                .isTrue();
        assertThat(decoded(FrameBuilder.syn().tcpOptions(8, 8, 0, 0, 0, 0, 0, 0).build())
                        .optionsMalformed())
                .isTrue();
    }

    @Test
    void malformedOptionsAreCountedAsAnAnomalyAndTheSegmentStillDecodes() {
        DecodeCounters counters = new DecodeCounters();
        byte[] frame = FrameBuilder.syn().tcpOptions(2, 0, 0, 0).build();
        TcpSegment out = new TcpSegment();
        assertThat(new FrameDecoder(1, counters).decode(frame, frame.length, out))
                .isTrue();
        assertThat(out.isSyn()).isTrue();
        assertThat(counters.count(DecodeOutcome.TCP_OPTIONS_MALFORMED)).isEqualTo(1);
        assertThat(counters.decodedTotal()).isEqualTo(1);
        assertThat(counters.malformedTotal()).isZero();
    }
}
