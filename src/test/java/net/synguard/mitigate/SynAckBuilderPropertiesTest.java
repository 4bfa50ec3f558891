package net.synguard.mitigate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import net.synguard.capture.LinkType;
import net.synguard.decode.TcpSegment;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

class SynAckBuilderPropertiesTest {
    private static final Gen<SynAckCase> CASES = Generate.longRange(Long.MIN_VALUE, Long.MAX_VALUE)
            .map(SynAckCase::from)
            .describedAs(Object::toString);

    private final SynAckBuilder builder = new SynAckBuilder(LinkType.ETHERNET);

    @Test
    void everySynAckDecodesAsTheAnswerAndVerifies() {
        byte[] out = new byte[SynAckBuilder.MAX_FRAME_LENGTH];
        qt().withExamples(5_000).forAll(CASES).checkAssert(c -> {
            TcpSegment in = Frames.decode(c.frame());
            int length = c.timestamps()
                    ? builder.synAckWithTimestamps(c.frame(), in, c.seq(), c.ack(), c.window(), c.mss(), c.tsVal(), out)
                    : builder.synAck(c.frame(), in, c.seq(), c.ack(), c.window(), c.mss(), out);
            boolean withTimestamps = c.timestamps() && c.synOffersTimestamps();
            int expected = 14 + 4 * c.vlans() + (c.ipv6() ? 40 : 20) + (withTimestamps ? 36 : 24);
            assertThat(length).isEqualTo(expected);
            assertThat(ChecksumVerifier.verifies(out, length)).as("checksums").isTrue();

            TcpSegment a = Frames.decode(out, length);
            SynAckBuilderTest.assertSwapped(in, a);
            assertThat(a.flags()).isEqualTo(TcpSegment.SYN | TcpSegment.ACK);
            assertThat(a.seq()).isEqualTo(c.seq());
            assertThat(a.ack()).isEqualTo(c.ack());
            assertThat(a.window()).isEqualTo(c.window());
            assertThat(a.mss()).isEqualTo(c.mss());
            assertThat(a.windowScale()).isEqualTo(-1);
            assertThat(a.sackPermitted()).isFalse();
            assertThat(a.hasTimestamps()).isEqualTo(withTimestamps);
            if (withTimestamps) {
                assertThat(a.tsVal()).isEqualTo(c.tsVal());
                assertThat(a.tsEcr()).isEqualTo(c.synTsVal());
            }
            assertThat(a.optionsMalformed()).isFalse();
            assertThat(a.payloadLength()).isZero();
        });
    }

    @Test
    void everyRstDecodesAndVerifies() {
        byte[] out = new byte[SynAckBuilder.MAX_FRAME_LENGTH];
        qt().withExamples(2_000).forAll(CASES).checkAssert(c -> {
            TcpSegment in = Frames.decode(c.frame());
            int length = builder.rst(c.frame(), in, c.seq(), out);
            assertThat(length).isEqualTo(14 + 4 * c.vlans() + (c.ipv6() ? 40 : 20) + 20);
            assertThat(ChecksumVerifier.verifies(out, length)).as("checksums").isTrue();
            TcpSegment r = Frames.decode(out, length);
            SynAckBuilderTest.assertSwapped(in, r);
            assertThat(r.flags()).isEqualTo(TcpSegment.RST);
            assertThat(r.seq()).isEqualTo(c.seq());
            assertThat(r.mss()).isEqualTo(-1);
        });
    }
}
