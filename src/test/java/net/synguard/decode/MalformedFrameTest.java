package net.synguard.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import net.synguard.capture.LinkType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** One case per way a frame can be dropped, each counted once under its own name. */
class MalformedFrameTest {

    record Case(String name, DecodeOutcome expected, int linkType, byte[] frame, int length) {
        @Override
        public String toString() {
            return expected.label() + ": " + name;
        }
    }

    private static final int ETH = LinkType.ETHERNET;

    private static Case whole(String name, DecodeOutcome expected, FrameBuilder builder) {
        byte[] frame = builder.build();
        return new Case(name, expected, ETH, frame, frame.length);
    }

    private static Case cut(String name, DecodeOutcome expected, FrameBuilder builder, int length) {
        return new Case(name, expected, ETH, builder.build(), length);
    }

    static List<Case> cases() {
        FrameBuilder sll = FrameBuilder.syn().linkType(LinkType.LINUX_SLL);
        FrameBuilder raw = FrameBuilder.syn().linkType(LinkType.RAW).ipVersionNibble(5);
        FrameBuilder nineExtensions = FrameBuilder.syn().ipv6();
        for (int i = 0; i < 9; i++) {
            nineExtensions.optionsHeader(60);
        }
        return List.of(
                new Case(
                        "negative length",
                        DecodeOutcome.BAD_FRAME_LENGTH,
                        ETH,
                        FrameBuilder.syn().build(),
                        -1),
                new Case(
                        "zero length",
                        DecodeOutcome.BAD_FRAME_LENGTH,
                        ETH,
                        FrameBuilder.syn().build(),
                        0),
                new Case("empty array", DecodeOutcome.BAD_FRAME_LENGTH, ETH, new byte[0], 60),
                new Case("null frame", DecodeOutcome.BAD_FRAME_LENGTH, ETH, null, 60),
                cut("13 bytes of Ethernet", DecodeOutcome.ETHERNET_TRUNCATED, FrameBuilder.syn(), 13),
                cut(
                        "tag cut after its TPID",
                        DecodeOutcome.VLAN_TRUNCATED,
                        FrameBuilder.syn().vlan(0x8100, 1),
                        16),
                cut(
                        "second tag cut",
                        DecodeOutcome.VLAN_TRUNCATED,
                        FrameBuilder.syn().vlan(0x88A8, 1).vlan(0x8100, 2),
                        20),
                whole(
                        "three tags",
                        DecodeOutcome.TOO_MANY_VLAN_TAGS,
                        FrameBuilder.syn().vlan(0x88A8, 1).vlan(0x8100, 2).vlan(0x8100, 3)),
                new Case("15 bytes of cooked header", DecodeOutcome.SLL_TRUNCATED, LinkType.LINUX_SLL, sll.build(), 15),
                whole(
                        "EtherType IPv4, version 6",
                        DecodeOutcome.IP_BAD_VERSION,
                        FrameBuilder.syn().ipVersionNibble(6)),
                whole(
                        "EtherType IPv6, version 4",
                        DecodeOutcome.IP_BAD_VERSION,
                        FrameBuilder.syn().ipv6().ipVersionNibble(4)),
                new Case("raw IP, version 5", DecodeOutcome.IP_BAD_VERSION, LinkType.RAW, raw.build(), 40),
                cut("19 bytes of IPv4", DecodeOutcome.IPV4_TRUNCATED, FrameBuilder.syn(), 14 + 19),
                whole(
                        "IHL 15 with 40 bytes captured",
                        DecodeOutcome.IPV4_TRUNCATED,
                        FrameBuilder.syn().ihl(15)),
                whole("IHL 4", DecodeOutcome.IPV4_BAD_IHL, FrameBuilder.syn().ihl(4)),
                whole("IHL 0", DecodeOutcome.IPV4_BAD_IHL, FrameBuilder.syn().ihl(0)),
                whole(
                        "total length 19",
                        DecodeOutcome.IPV4_BAD_TOTAL_LENGTH,
                        FrameBuilder.syn().totalLength(19)),
                whole(
                        "total length 0",
                        DecodeOutcome.IPV4_BAD_TOTAL_LENGTH,
                        FrameBuilder.syn().totalLength(0)),
                whole(
                        "first fragment of 16 bytes",
                        DecodeOutcome.IPV4_FRAGMENT_TOO_SMALL,
                        FrameBuilder.syn().fragmentField(Ipv4Header.MF).totalLength(20 + 16)),
                whole(
                        "first fragment ends inside the TCP options",
                        DecodeOutcome.IPV4_FRAGMENT_TOO_SMALL,
                        FrameBuilder.syn()
                                .fragmentField(Ipv4Header.MF)
                                .tcpOptions(2, 4, 5, 0xB4)
                                .totalLength(40)),
                cut(
                        "39 bytes of IPv6",
                        DecodeOutcome.IPV6_TRUNCATED,
                        FrameBuilder.syn().ipv6(),
                        14 + 39),
                whole(
                        "payload length 0",
                        DecodeOutcome.IPV6_BAD_PAYLOAD_LENGTH,
                        FrameBuilder.syn().ipv6().payloadLength(0)),
                cut(
                        "Hop-by-Hop cut",
                        DecodeOutcome.IPV6_EXT_TRUNCATED,
                        FrameBuilder.syn().ipv6().optionsHeader(0),
                        14 + 44),
                cut(
                        "Hop-by-Hop length byte cut",
                        DecodeOutcome.IPV6_EXT_TRUNCATED,
                        FrameBuilder.syn().ipv6().optionsHeader(0),
                        14 + 41),
                whole(
                        "Destination Options past payload length",
                        DecodeOutcome.IPV6_EXT_BEYOND_PAYLOAD,
                        FrameBuilder.syn().ipv6().optionsHeader(60).payloadLength(4)),
                whole(
                        "payload length 1",
                        DecodeOutcome.IPV6_EXT_BEYOND_PAYLOAD,
                        FrameBuilder.syn().ipv6().optionsHeader(60).payloadLength(1)),
                whole("nine extension headers", DecodeOutcome.IPV6_TOO_MANY_EXT_HEADERS, nineExtensions),
                whole(
                        "Hop-by-Hop after Destination Options",
                        DecodeOutcome.IPV6_HOP_BY_HOP_MISPLACED,
                        FrameBuilder.syn().ipv6().optionsHeader(60).optionsHeader(0)),
                whole(
                        "first fragment of 12 TCP bytes",
                        DecodeOutcome.IPV6_FRAGMENT_TOO_SMALL,
                        FrameBuilder.syn().ipv6().fragmentHeader(0, true).payloadLength(8 + 12)),
                whole(
                        "IPv4 datagram with 19 bytes for TCP",
                        DecodeOutcome.TCP_BEYOND_IP_PAYLOAD,
                        FrameBuilder.syn().totalLength(20 + 19)),
                whole(
                        "IPv6 datagram with 19 bytes for TCP",
                        DecodeOutcome.TCP_BEYOND_IP_PAYLOAD,
                        FrameBuilder.syn().ipv6().payloadLength(19)),
                cut("19 bytes of TCP", DecodeOutcome.TCP_TRUNCATED, FrameBuilder.syn(), 14 + 20 + 19),
                cut(
                        "TCP options cut by the snap length",
                        DecodeOutcome.TCP_TRUNCATED,
                        FrameBuilder.syn().tcpOptions(2, 4, 5, 0xB4),
                        14 + 20 + 22),
                whole(
                        "data offset 4",
                        DecodeOutcome.TCP_BAD_DATA_OFFSET,
                        FrameBuilder.syn().dataOffset(4)),
                whole(
                        "data offset 0",
                        DecodeOutcome.TCP_BAD_DATA_OFFSET,
                        FrameBuilder.syn().dataOffset(0)),
                whole(
                        "data offset past the datagram",
                        DecodeOutcome.TCP_BAD_DATA_OFFSET,
                        FrameBuilder.syn().dataOffset(15).trailer(60)),
                new Case(
                        "DLT 127 (radiotap)",
                        DecodeOutcome.UNSUPPORTED_LINK_TYPE,
                        127,
                        FrameBuilder.syn().build(),
                        54),
                whole("ARP", DecodeOutcome.NOT_IP, FrameBuilder.syn().etherType(0x0806)),
                whole("UDP", DecodeOutcome.NOT_TCP, FrameBuilder.syn().protocol(17)),
                whole(
                        "IPv6 No Next Header",
                        DecodeOutcome.NOT_TCP,
                        FrameBuilder.syn().ipv6().protocol(59)),
                whole(
                        "IPv4 fragment at offset 1480",
                        DecodeOutcome.IPV4_FRAGMENT_TAIL,
                        FrameBuilder.syn().fragmentField(185)),
                whole(
                        "IPv6 fragment at offset 1448",
                        DecodeOutcome.IPV6_FRAGMENT_TAIL,
                        FrameBuilder.syn().ipv6().fragmentHeader(181, false)),
                whole(
                        "IPv6 ESP",
                        DecodeOutcome.IPV6_ESP,
                        FrameBuilder.syn().ipv6().protocol(50)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void countedOnceUnderItsReason(Case c) {
        DecodeCounters counters = new DecodeCounters();
        TcpSegment out = new TcpSegment();
        boolean decoded = new FrameDecoder(c.linkType(), counters).decode(c.frame(), c.length(), out);
        assertThat(decoded).isFalse();
        assertThat(counters.snapshot())
                .containsExactly(java.util.Map.entry(c.expected().label(), 1L));
    }

    @Test
    void everyMalformedAndSkippedReasonHasACase() {
        Set<DecodeOutcome> covered = cases().stream().map(Case::expected).collect(Collectors.toSet());
        Set<DecodeOutcome> dropReasons = Arrays.stream(DecodeOutcome.values())
                .filter(o -> o.group() == DecodeOutcome.Group.MALFORMED || o.group() == DecodeOutcome.Group.SKIPPED)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(DecodeOutcome.class)));
        assertThat(covered).containsAll(dropReasons);
    }
}
