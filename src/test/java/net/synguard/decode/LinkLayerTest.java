package net.synguard.decode;

import static net.synguard.decode.Decoding.decoded;
import static net.synguard.decode.Decoding.outcome;
import static org.assertj.core.api.Assertions.assertThat;

import net.synguard.capture.LinkType;
import org.junit.jupiter.api.Test;

class LinkLayerTest {

    @Test
    void untaggedEthernetPutsIpAfterFourteenBytes() {
        TcpSegment s = decoded(FrameBuilder.syn().build());
        assertThat(s.vlanCount()).isZero();
        assertThat(s.outerVlanId()).isEqualTo(-1);
        assertThat(s.l3Offset()).isEqualTo(EthernetHeader.LENGTH);
        assertThat(s.l4Offset()).isEqualTo(EthernetHeader.LENGTH + 20);
    }

    @Test
    void singleDot1qTagGivesItsVlanId() {
        TcpSegment s = decoded(FrameBuilder.syn().vlan(0x8100, 0xA000 | 123).build());
        assertThat(s.vlanCount()).isEqualTo(1);
        assertThat(s.outerVlanId()).as("PCP bits masked off").isEqualTo(123);
        assertThat(s.l3Offset()).isEqualTo(18);
    }

    @Test
    void qinqReportsTheOuterServiceTag() {
        TcpSegment s =
                decoded(FrameBuilder.syn().vlan(0x88A8, 100).vlan(0x8100, 200).build());
        assertThat(s.vlanCount()).isEqualTo(2);
        assertThat(s.outerVlanId()).isEqualTo(100);
        assertThat(s.l3Offset()).isEqualTo(22);
        assertThat(s.isSyn()).isTrue();
    }

    @Test
    void legacyQinqTpid9100IsAccepted() {
        TcpSegment s =
                decoded(FrameBuilder.syn().vlan(0x9100, 7).vlan(0x8100, 8).build());
        assertThat(s.vlanCount()).isEqualTo(2);
        assertThat(s.outerVlanId()).isEqualTo(7);
    }

    @Test
    void priorityTagHasVlanIdZero() {
        TcpSegment s = decoded(FrameBuilder.syn().vlan(0x8100, 0xE000).build());
        assertThat(s.vlanCount()).isEqualTo(1);
        assertThat(s.outerVlanId()).isZero();
    }

    @Test
    void taggedIpv6() {
        TcpSegment s = decoded(FrameBuilder.syn().ipv6().vlan(0x8100, 5).build());
        assertThat(s.ipVersion()).isEqualTo(6);
        assertThat(s.l3Offset()).isEqualTo(18);
    }

    @Test
    void arpIsNotIp() {
        assertThat(outcome(FrameBuilder.syn().etherType(0x0806).build())).isEqualTo(DecodeOutcome.NOT_IP);
    }

    @Test
    void llcLengthFieldIsNotIp() {
        assertThat(outcome(FrameBuilder.syn().etherType(0x0040).build())).isEqualTo(DecodeOutcome.NOT_IP);
    }

    @Test
    void taggedArpIsNotIp() {
        assertThat(outcome(FrameBuilder.syn().vlan(0x8100, 1).etherType(0x0806).build()))
                .isEqualTo(DecodeOutcome.NOT_IP);
    }

    @Test
    void linuxCookedHeaderCarriesTheEtherTypeAtFourteen() {
        TcpSegment s = decoded(
                LinkType.LINUX_SLL,
                FrameBuilder.syn().linkType(LinkType.LINUX_SLL).build());
        assertThat(s.l3Offset()).isEqualTo(LinuxSllHeader.LENGTH);
        assertThat(s.isSyn()).isTrue();
    }

    @Test
    void linuxCookedHeaderWithReinsertedVlanTag() {
        byte[] frame = FrameBuilder.syn()
                .linkType(LinkType.LINUX_SLL)
                .vlan(0x8100, 42)
                .ipv6()
                .build();
        TcpSegment s = decoded(LinkType.LINUX_SLL, frame);
        assertThat(s.outerVlanId()).isEqualTo(42);
        assertThat(s.l3Offset()).isEqualTo(20);
        assertThat(s.ipVersion()).isEqualTo(6);
    }

    @Test
    void linuxCookedNonIpProtocol() {
        byte[] frame = FrameBuilder.syn()
                .linkType(LinkType.LINUX_SLL)
                .etherType(0x0004)
                .build();
        assertThat(outcome(LinkType.LINUX_SLL, frame, frame.length)).isEqualTo(DecodeOutcome.NOT_IP);
    }

    @Test
    void rawIpv4AndIpv6PickedByVersionNibble() {
        TcpSegment v4 =
                decoded(LinkType.RAW, FrameBuilder.syn().linkType(LinkType.RAW).build());
        assertThat(v4.ipVersion()).isEqualTo(4);
        assertThat(v4.l3Offset()).isZero();
        TcpSegment v6 = decoded(
                LinkType.RAW_OLD,
                FrameBuilder.syn().ipv6().linkType(LinkType.RAW).build());
        assertThat(v6.ipVersion()).isEqualTo(6);
        assertThat(v6.l4Offset()).isEqualTo(40);
    }

    @Test
    void unsupportedLinkTypeIsSkippedNotMalformed() {
        byte[] frame = FrameBuilder.syn().build();
        assertThat(outcome(127, frame, frame.length)).isEqualTo(DecodeOutcome.UNSUPPORTED_LINK_TYPE);
        assertThat(DecodeOutcome.UNSUPPORTED_LINK_TYPE.group()).isEqualTo(DecodeOutcome.Group.SKIPPED);
    }
}
