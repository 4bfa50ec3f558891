package net.synguard.mitigate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import net.synguard.capture.LinkType;
import net.synguard.decode.FrameBuilder;
import net.synguard.decode.TcpSegment;
import org.junit.jupiter.api.Test;

class SynAckBuilderTest {
    private static final int COOKIE = 0xCAFE_F00D;
    private static final int ISN = 0x0BAD_5EED;
    private final SynAckBuilder builder = new SynAckBuilder(LinkType.ETHERNET);
    private final byte[] out = new byte[SynAckBuilder.MAX_FRAME_LENGTH];

    @Test
    void ipv4RetryModeMssOnly() {
        byte[] syn = FrameBuilder.syn()
                .ports(40_000, 443)
                .seq(0x1234_5678)
                .tcpOptions(Frames.TS_OPTIONS)
                .build();
        TcpSegment in = Frames.decode(syn);

        int length = builder.synAck(syn, in, ISN, COOKIE, 1024, 1460, out);

        assertThat(length).isEqualTo(14 + 20 + 24);
        TcpSegment a = Frames.decode(out, length);
        assertSwapped(in, a);
        assertThat(a.flags()).isEqualTo(TcpSegment.SYN | TcpSegment.ACK);
        assertThat(a.seq()).isEqualTo(ISN);
        assertThat(a.ack()).isEqualTo(COOKIE);
        assertThat(a.window()).isEqualTo(1024);
        assertThat(a.mss()).isEqualTo(1460);
        assertThat(a.hasTimestamps()).isFalse();
        assertThat(a.windowScale()).isEqualTo(-1);
        assertThat(a.sackPermitted()).isFalse();
        assertThat(a.headerLength()).isEqualTo(24);
        assertThat(a.payloadLength()).isZero();
        assertThat(a.optionsMalformed()).isFalse();
        assertThat(ChecksumVerifier.verifies(out, length)).isTrue();
        // Ethernet: MACs swapped, EtherType kept; IPv4: IHL 5, TOS 0, ID 0, DF, TTL 64.
        assertThat(Arrays.copyOfRange(out, 0, 6)).isEqualTo(Arrays.copyOfRange(syn, 6, 12));
        assertThat(Arrays.copyOfRange(out, 6, 12)).isEqualTo(Arrays.copyOfRange(syn, 0, 6));
        assertThat(Arrays.copyOfRange(out, 12, 22)).containsExactly(0x08, 0x00, 0x45, 0, 0, 44, 0, 0, 0x40, 0);
        assertThat(out[22]).isEqualTo((byte) 64);
        assertThat(out[23]).isEqualTo((byte) 6);
    }

    @Test
    void ipv4ResetModeWithTimestamps() {
        byte[] syn = FrameBuilder.syn()
                .seq(0x7FFF_FFFF)
                .tcpOptions(Frames.TS_OPTIONS)
                .build();
        TcpSegment in = Frames.decode(syn);

        int length = builder.synAckWithTimestamps(syn, in, COOKIE, in.seq() + 1, 65_535, 536, 0xA0B0_C0D0, out);

        assertThat(length).isEqualTo(14 + 20 + 36);
        TcpSegment a = Frames.decode(out, length);
        assertSwapped(in, a);
        assertThat(a.isSynAck()).isTrue();
        assertThat(a.flags()).isEqualTo(TcpSegment.SYN | TcpSegment.ACK);
        assertThat(a.seq()).isEqualTo(COOKIE);
        assertThat(a.ack()).isEqualTo(0x8000_0000);
        assertThat(a.window()).isEqualTo(65_535);
        assertThat(a.mss()).isEqualTo(536);
        assertThat(a.hasTimestamps()).isTrue();
        assertThat(a.tsVal()).isEqualTo(0xA0B0_C0D0);
        assertThat(a.tsEcr()).isEqualTo(Frames.TS_OPTIONS_TSVAL);
        assertThat(a.headerLength()).isEqualTo(36);
        assertThat(a.optionsMalformed()).isFalse();
        assertThat(ChecksumVerifier.verifies(out, length)).isTrue();
        assertThat(Arrays.copyOfRange(out, 54, 70))
                .containsExactly(2, 4, 2, 24, 1, 1, 8, 10, 0xA0, 0xB0, 0xC0, 0xD0, 0x11, 0x22, 0x33, 0x44);
    }

    @Test
    void timestampsAreLeftOutWhenTheSynOfferedNone() {
        byte[] syn = FrameBuilder.syn().tcpOptions(Frames.MSS_ONLY_OPTIONS).build();
        TcpSegment in = Frames.decode(syn);

        int length = builder.synAckWithTimestamps(syn, in, COOKIE, in.seq() + 1, 65_535, 1460, 42, out);

        assertThat(length).isEqualTo(14 + 20 + 24);
        TcpSegment a = Frames.decode(out, length);
        assertThat(a.hasTimestamps()).isFalse();
        assertThat(a.mss()).isEqualTo(1460);
        assertThat(ChecksumVerifier.verifies(out, length)).isTrue();
    }

    @Test
    void ipv6WithExtensionHeadersAnswersWithNone() {
        byte[] syn = FrameBuilder.syn()
                .ipv6()
                .optionsHeader(0)
                .optionsHeader(60)
                .ttl(3)
                .ports(51_000, 22)
                .tcpOptions(Frames.TS_OPTIONS)
                .build();
        TcpSegment in = Frames.decode(syn);

        int length = builder.synAckWithTimestamps(syn, in, COOKIE, in.seq() + 1, 65_535, 1220, 7, out);

        assertThat(length).isEqualTo(14 + 40 + 36);
        TcpSegment a = Frames.decode(out, length);
        assertSwapped(in, a);
        assertThat(a.ipVersion()).isEqualTo(6);
        assertThat(a.l4Offset()).isEqualTo(54);
        assertThat(a.seq()).isEqualTo(COOKIE);
        assertThat(a.ack()).isEqualTo(in.seq() + 1);
        assertThat(a.mss()).isEqualTo(1220);
        assertThat(a.tsVal()).isEqualTo(7);
        assertThat(a.tsEcr()).isEqualTo(Frames.TS_OPTIONS_TSVAL);
        assertThat(ChecksumVerifier.verifies(out, length)).isTrue();
        // version 6, traffic class 0, flow label 0, payload length 36, next header TCP, hop limit 64
        assertThat(Arrays.copyOfRange(out, 12, 22)).containsExactly(0x86, 0xDD, 0x60, 0, 0, 0, 0, 36, 6, 64);
    }

    @Test
    void dot1qTagIsKept() {
        byte[] syn = FrameBuilder.syn().vlan(0x8100, (5 << 13) | 100).build();
        TcpSegment in = Frames.decode(syn);

        int length = builder.synAck(syn, in, ISN, COOKIE, 512, 1400, out);

        assertThat(length).isEqualTo(18 + 20 + 24);
        TcpSegment a = Frames.decode(out, length);
        assertSwapped(in, a);
        assertThat(a.vlanCount()).isEqualTo(1);
        assertThat(a.outerVlanId()).isEqualTo(100);
        assertThat(Arrays.copyOfRange(out, 12, 18)).isEqualTo(Arrays.copyOfRange(syn, 12, 18));
        assertThat(a.mss()).isEqualTo(1400);
        assertThat(ChecksumVerifier.verifies(out, length)).isTrue();
    }

    @Test
    void qinqTagsAreKeptOnIpv6() {
        byte[] syn = FrameBuilder.syn()
                .ipv6()
                .vlan(0x88A8, 300)
                .vlan(0x8100, 42)
                .tcpOptions(Frames.TS_OPTIONS)
                .build();
        TcpSegment in = Frames.decode(syn);

        int length = builder.synAckWithTimestamps(syn, in, COOKIE, in.seq() + 1, 65_535, 8960, -1, out);

        assertThat(length).isEqualTo(22 + 40 + 36);
        assertThat(length).isEqualTo(SynAckBuilder.MAX_FRAME_LENGTH);
        TcpSegment a = Frames.decode(out, length);
        assertSwapped(in, a);
        assertThat(a.vlanCount()).isEqualTo(2);
        assertThat(a.outerVlanId()).isEqualTo(300);
        assertThat(Arrays.copyOfRange(out, 12, 22)).isEqualTo(Arrays.copyOfRange(syn, 12, 22));
        assertThat(a.mss()).isEqualTo(8960);
        assertThat(a.tsVal()).isEqualTo(-1);
        assertThat(ChecksumVerifier.verifies(out, length)).isTrue();
    }

    @Test
    void eceAndCwrInTheSynAreNotEchoed() {
        byte[] syn = FrameBuilder.syn()
                .flags(TcpSegment.SYN | TcpSegment.ECE | TcpSegment.CWR)
                .build();
        TcpSegment in = Frames.decode(syn);

        int length = builder.synAck(syn, in, ISN, COOKIE, 1024, 1460, out);

        assertThat(Frames.decode(out, length).flags()).isEqualTo(TcpSegment.SYN | TcpSegment.ACK);
    }

    @Test
    void ipv4OptionsInTheSynAreDropped() {
        byte[] syn = FrameBuilder.syn().ipv4Options(new byte[] {1, 1, 1, 0}).build();
        TcpSegment in = Frames.decode(syn);

        int length = builder.synAck(syn, in, ISN, COOKIE, 1024, 1460, out);

        assertThat(length).isEqualTo(14 + 20 + 24);
        assertThat(Frames.decode(out, length).l4Offset()).isEqualTo(34);
        assertThat(ChecksumVerifier.verifies(out, length)).isTrue();
    }

    @Test
    void theReceivedFrameCanBeTheOutputBuffer() {
        byte[] syn = FrameBuilder.syn()
                .ipv6()
                .vlan(0x8100, 7)
                .tcpOptions(Frames.TS_OPTIONS)
                .payload(100)
                .build();
        byte[] original = syn.clone();
        TcpSegment in = Frames.decode(syn);

        int inPlace = builder.synAckWithTimestamps(syn, in, COOKIE, 1, 100, 1460, 9, syn);
        int separate = builder.synAckWithTimestamps(original, Frames.decode(original), COOKIE, 1, 100, 1460, 9, out);

        assertThat(inPlace).isEqualTo(separate);
        assertThat(Arrays.copyOf(syn, inPlace)).isEqualTo(Arrays.copyOf(out, separate));
    }

    @Test
    void rstForTheResetHandoff() {
        // The client's ACK of our cookie SYN-ACK: its ack number is cookie + 1.
        byte[] ack = FrameBuilder.syn()
                .vlan(0x8100, 12)
                .flags(TcpSegment.ACK)
                .seq(ISN + 1)
                .ack(COOKIE + 1)
                .tcpOptions(1, 1, 8, 10, 0, 0, 0, 5, 0, 0, 0, 6)
                .build();
        TcpSegment in = Frames.decode(ack);

        int length = builder.rst(ack, in, in.ack(), out);

        assertThat(length).isEqualTo(18 + 20 + 20);
        TcpSegment r = Frames.decode(out, length);
        assertSwapped(in, r);
        assertThat(r.flags()).isEqualTo(TcpSegment.RST);
        assertThat(r.seq()).isEqualTo(COOKIE + 1);
        assertThat(r.ack()).isZero();
        assertThat(r.window()).isZero();
        assertThat(r.headerLength()).isEqualTo(20);
        assertThat(r.vlanCount()).isEqualTo(1);
        assertThat(ChecksumVerifier.verifies(out, length)).isTrue();
    }

    @Test
    void rstOverIpv6() {
        byte[] ack =
                FrameBuilder.syn().ipv6().flags(TcpSegment.ACK).ack(COOKIE + 1).build();
        TcpSegment in = Frames.decode(ack);

        int length = builder.rst(ack, in, COOKIE + 1, out);

        assertThat(length).isEqualTo(14 + 40 + 20);
        TcpSegment r = Frames.decode(out, length);
        assertSwapped(in, r);
        assertThat(r.isRst()).isTrue();
        assertThat(r.seq()).isEqualTo(COOKIE + 1);
        assertThat(ChecksumVerifier.verifies(out, length)).isTrue();
    }

    @Test
    void onlySynsGetASynAck() {
        for (int flags : new int[] {TcpSegment.SYN | TcpSegment.ACK, TcpSegment.ACK, TcpSegment.RST}) {
            byte[] frame = FrameBuilder.syn().flags(flags).build();
            assertThat(builder.synAck(frame, Frames.decode(frame), ISN, COOKIE, 1024, 1460, out))
                    .as("flags 0x%x", flags)
                    .isEqualTo(SynAckBuilder.NOT_ANSWERABLE);
        }
    }

    @Test
    void linuxCookedAndRawIpCapturesCannotBeAnswered() {
        assertThat(SynAckBuilder.supports(LinkType.ETHERNET)).isTrue();
        for (int linkType : new int[] {LinkType.LINUX_SLL, LinkType.RAW, LinkType.RAW_OLD}) {
            assertThat(SynAckBuilder.supports(linkType)).isFalse();
            byte[] syn = FrameBuilder.syn().linkType(linkType).build();
            TcpSegment in = new TcpSegment();
            assertThat(new net.synguard.decode.FrameDecoder(linkType, new net.synguard.decode.DecodeCounters())
                            .decode(syn, syn.length, in))
                    .isTrue();
            SynAckBuilder other = new SynAckBuilder(linkType);
            assertThat(other.synAck(syn, in, ISN, COOKIE, 1024, 1460, out)).isEqualTo(SynAckBuilder.NOT_ANSWERABLE);
            assertThat(other.rst(syn, in, 1, out)).isEqualTo(SynAckBuilder.NOT_ANSWERABLE);
            // Even given an Ethernet builder, the frame's layout is not Ethernet.
            assertThat(SynAckBuilder.answerable(in, syn))
                    .as("link type %d", linkType)
                    .isFalse();
            assertThat(builder.synAck(syn, in, ISN, COOKIE, 1024, 1460, out)).isEqualTo(SynAckBuilder.NOT_ANSWERABLE);
        }
    }

    @Test
    void callerMistakesThrow() {
        byte[] syn = FrameBuilder.syn().build();
        TcpSegment in = Frames.decode(syn);
        assertThatThrownBy(() -> builder.synAck(syn, in, 0, 0, 1024, 0, out))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MSS 0");
        assertThatThrownBy(() -> builder.synAck(syn, in, 0, 0, 1024, 65_536, out))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.synAck(syn, in, 0, 0, 70_000, 1460, out))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("window 70000");
        assertThatThrownBy(() -> builder.synAck(syn, in, 0, 0, 1024, 1460, new byte[57]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected 58+ bytes");
        assertThat(builder.synAck(syn, in, 0, 0, 1024, 1460, new byte[58])).isEqualTo(58);
    }

    static void assertSwapped(TcpSegment in, TcpSegment a) {
        assertThat(a.ipVersion()).isEqualTo(in.ipVersion());
        assertThat(a.srcHi()).isEqualTo(in.dstHi());
        assertThat(a.srcLo()).isEqualTo(in.dstLo());
        assertThat(a.dstHi()).isEqualTo(in.srcHi());
        assertThat(a.dstLo()).isEqualTo(in.srcLo());
        assertThat(a.srcPort()).isEqualTo(in.dstPort());
        assertThat(a.dstPort()).isEqualTo(in.srcPort());
        assertThat(a.ttl()).isEqualTo(SynAckBuilder.HOP_LIMIT);
        assertThat(a.fragmented()).isFalse();
        assertThat(a.vlanCount()).isEqualTo(in.vlanCount());
        assertThat(a.outerVlanId()).isEqualTo(in.outerVlanId());
        assertThat(a.l3Offset()).isEqualTo(in.l3Offset());
    }
}
