package net.synguard.mitigate;

import static org.assertj.core.api.Assertions.assertThat;

import net.synguard.capture.LinkType;
import net.synguard.decode.FrameBuilder;
import net.synguard.decode.TcpSegment;
import org.junit.jupiter.api.Test;

/** One test per rule of {@link AnswerRules}; each also checks that the builder writes nothing. */
class AnswerRulesTest {
    private final SynAckBuilder builder = new SynAckBuilder(LinkType.ETHERNET);
    private final byte[] out = new byte[SynAckBuilder.MAX_FRAME_LENGTH];

    @Test
    void ordinaryUnicastSynsAreAnswerable() {
        assertAnswerable(FrameBuilder.syn().build());
        assertAnswerable(FrameBuilder.syn().ipv6().build());
        assertAnswerable(FrameBuilder.syn().vlan(0x88A8, 1).vlan(0x8100, 2).build());
        assertAnswerable(FrameBuilder.syn()
                .src(v4(223, 255, 255, 254))
                .dst(v4(1, 0, 0, 1))
                .build());
        assertAnswerable(FrameBuilder.syn()
                .ipv6()
                .src(FrameBuilder.bytes("fe800000000000000000000000000001"))
                .build());
    }

    @Test
    void broadcastSourceMac() {
        assertNotAnswerable(withMac(FrameBuilder.syn().build(), 6, "ff:ff:ff:ff:ff:ff"));
    }

    @Test
    void multicastSourceMac() {
        assertNotAnswerable(withMac(FrameBuilder.syn().build(), 6, "01:00:5e:00:00:01"));
        assertNotAnswerable(withMac(FrameBuilder.syn().ipv6().build(), 6, "33:33:00:00:00:01"));
    }

    @Test
    void zeroSourceMac() {
        assertNotAnswerable(withMac(FrameBuilder.syn().build(), 6, "00:00:00:00:00:00"));
    }

    @Test
    void broadcastOrMulticastDestinationMac() {
        assertNotAnswerable(withMac(FrameBuilder.syn().build(), 0, "ff:ff:ff:ff:ff:ff"));
        assertNotAnswerable(withMac(FrameBuilder.syn().ipv6().build(), 0, "33:33:ff:00:00:0a"));
    }

    @Test
    void ipv4ThisNetworkSource() {
        assertNotAnswerable(FrameBuilder.syn().src(v4(0, 0, 0, 0)).build());
        assertNotAnswerable(FrameBuilder.syn().src(v4(0, 1, 2, 3)).build());
    }

    @Test
    void ipv4LoopbackSource() {
        assertNotAnswerable(FrameBuilder.syn().src(v4(127, 0, 0, 1)).build());
        assertNotAnswerable(FrameBuilder.syn().src(v4(127, 255, 0, 9)).build());
    }

    @Test
    void synWithFinOrRstIsNotAnswered() {
        // A Linux listener discards both; a SYN with ECE, CWR, URG or PSH it takes like any SYN.
        assertNotAnswerable(
                FrameBuilder.syn().flags(TcpSegment.SYN | TcpSegment.FIN).build());
        assertNotAnswerable(
                FrameBuilder.syn().flags(TcpSegment.SYN | TcpSegment.RST).build());
        assertAnswerable(FrameBuilder.syn()
                .flags(TcpSegment.SYN | TcpSegment.ECE | TcpSegment.CWR | TcpSegment.URG | TcpSegment.PSH)
                .build());
    }

    @Test
    void ipv4MulticastSource() {
        assertNotAnswerable(FrameBuilder.syn().src(v4(224, 0, 0, 1)).build());
        assertNotAnswerable(FrameBuilder.syn().src(v4(239, 255, 255, 250)).build());
    }

    @Test
    void ipv4ReservedSource() {
        assertNotAnswerable(FrameBuilder.syn().src(v4(240, 0, 0, 1)).build());
    }

    @Test
    void ipv4LimitedBroadcastSource() {
        assertNotAnswerable(FrameBuilder.syn().src(v4(255, 255, 255, 255)).build());
    }

    @Test
    void ipv4MartianDestination() {
        assertNotAnswerable(FrameBuilder.syn().dst(v4(255, 255, 255, 255)).build());
        assertNotAnswerable(FrameBuilder.syn().dst(v4(224, 0, 0, 251)).build());
        assertNotAnswerable(FrameBuilder.syn().dst(v4(127, 0, 0, 1)).build());
        assertNotAnswerable(FrameBuilder.syn().dst(v4(0, 0, 0, 0)).build());
    }

    @Test
    void ipv6UnspecifiedSource() {
        assertNotAnswerable(FrameBuilder.syn()
                .ipv6()
                .src(v6("00000000000000000000000000000000"))
                .build());
    }

    @Test
    void ipv6LoopbackSource() {
        assertNotAnswerable(FrameBuilder.syn()
                .ipv6()
                .src(v6("00000000000000000000000000000001"))
                .build());
    }

    @Test
    void ipv6MulticastSource() {
        assertNotAnswerable(FrameBuilder.syn()
                .ipv6()
                .src(v6("ff020000000000000000000000000001"))
                .build());
        assertNotAnswerable(FrameBuilder.syn()
                .ipv6()
                .src(v6("ff0e0000000000000000000000000101"))
                .build());
    }

    @Test
    void ipv6MappedIpv4Source() {
        // On the wire an IPv6 packet must not carry ::ffff:a.b.c.d, even for an ordinary a.b.c.d.
        assertNotAnswerable(FrameBuilder.syn()
                .ipv6()
                .src(v6("00000000000000000000ffffc6336407"))
                .build());
        assertNotAnswerable(FrameBuilder.syn()
                .ipv6()
                .src(v6("00000000000000000000ffff7f000001"))
                .build());
    }

    @Test
    void ipv6MartianDestination() {
        assertNotAnswerable(FrameBuilder.syn()
                .ipv6()
                .dst(v6("ff020000000000000000000000000001"))
                .build());
        assertNotAnswerable(FrameBuilder.syn()
                .ipv6()
                .dst(v6("00000000000000000000000000000001"))
                .build());
        assertNotAnswerable(FrameBuilder.syn()
                .ipv6()
                .dst(v6("00000000000000000000000000000000"))
                .build());
        assertNotAnswerable(FrameBuilder.syn()
                .ipv6()
                .dst(v6("00000000000000000000ffffc000020a"))
                .build());
    }

    @Test
    void sameSourceAndDestination() {
        assertNotAnswerable(
                FrameBuilder.syn().src(v4(192, 0, 2, 10)).dst(v4(192, 0, 2, 10)).build());
        byte[] a = v6("20010db8000000000000000000000001");
        assertNotAnswerable(FrameBuilder.syn().ipv6().src(a).dst(a).build());
    }

    @Test
    void portZero() {
        assertNotAnswerable(FrameBuilder.syn().ports(0, 80).build());
        assertNotAnswerable(FrameBuilder.syn().ports(40_000, 0).build());
    }

    @Test
    void nonEthernetLayout() {
        byte[] sll = FrameBuilder.syn().linkType(LinkType.LINUX_SLL).build();
        TcpSegment in = new TcpSegment();
        new net.synguard.decode.FrameDecoder(LinkType.LINUX_SLL, new net.synguard.decode.DecodeCounters())
                .decode(sll, sll.length, in);
        assertThat(SynAckBuilder.answerable(in, sll)).isFalse();
        assertThat(SynAckBuilder.answerable(Frames.decode(FrameBuilder.syn().build()), null))
                .isFalse();
    }

    private void assertAnswerable(byte[] syn) {
        TcpSegment in = Frames.decode(syn);
        assertThat(SynAckBuilder.answerable(in, syn)).as("%s", in).isTrue();
        assertThat(builder.synAck(syn, in, 1, 2, 1024, 1460, out)).isPositive();
    }

    private void assertNotAnswerable(byte[] frame) {
        TcpSegment in = Frames.decode(frame);
        assertThat(SynAckBuilder.answerable(in, frame)).as("%s", in).isFalse();
        assertThat(builder.synAck(frame, in, 1, 2, 1024, 1460, out)).isEqualTo(SynAckBuilder.NOT_ANSWERABLE);
        assertThat(builder.rst(frame, in, 1, out)).isEqualTo(SynAckBuilder.NOT_ANSWERABLE);
    }

    private static byte[] withMac(byte[] frame, int offset, String mac) {
        Frames.setMac(frame, offset, mac);
        return frame;
    }

    private static byte[] v4(int a, int b, int c, int d) {
        return new byte[] {(byte) a, (byte) b, (byte) c, (byte) d};
    }

    private static byte[] v6(String hex) {
        return FrameBuilder.bytes(hex);
    }
}
