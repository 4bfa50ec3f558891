package net.synguard.mitigate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.synguard.capture.LinkType;
import net.synguard.decode.FrameBuilder;
import net.synguard.decode.TcpSegment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes built answers to pcap files for tests/e2e/55-synack-tshark.sh, which has tshark check
 * their checksums and fields: {@code synack.pcap} (IPv4 and IPv6, untagged, 802.1Q and QinQ, both
 * option sets) and {@code rst.pcap}, each with a {@code .expected} file holding the tshark fields
 * line by line, and {@code broken.pcap}, two frames with a wrong checksum. The directory is the system property {@code synguard.synackPcapDir} when set (mvn
 * passes -D properties through to the test JVM), else a temporary one: as a plain unit test it
 * checks the files' sizes and that every frame verifies.
 */
class SynAckPcapTest {
    /** The fields the script asks tshark for, in this order. */
    static final String FIELDS = "tcp.flags.syn tcp.flags.ack tcp.flags.reset tcp.seq_raw tcp.ack_raw "
            + "tcp.options.mss_val tcp.options.timestamp.tsval tcp.options.timestamp.tsecr ieee8021ad.id vlan.id";

    @Test
    void writeAnswersForTshark(@TempDir Path temp) throws IOException {
        String property = System.getProperty("synguard.synackPcapDir");
        Path dir = property == null || property.isBlank() ? temp : Files.createDirectories(Path.of(property));
        SynAckBuilder builder = new SynAckBuilder(LinkType.ETHERNET);
        byte[] out = new byte[SynAckBuilder.MAX_FRAME_LENGTH];
        int[] msses = {536, 1220, 1440, 1460, 8960, 65_535};
        List<String> synAckLines = new ArrayList<>();
        List<String> rstLines = new ArrayList<>();
        long synAckBytes = 24;
        long rstBytes = 24;

        try (PcapWriter synAcks = new PcapWriter(dir.resolve("synack.pcap"), LinkType.ETHERNET);
                PcapWriter rsts = new PcapWriter(dir.resolve("rst.pcap"), LinkType.ETHERNET)) {
            int n = 0;
            for (boolean ipv6 : new boolean[] {false, true}) {
                for (int tags = 0; tags <= 2; tags++) {
                    for (boolean timestamps : new boolean[] {false, true}) {
                        n++;
                        FrameBuilder b = FrameBuilder.syn()
                                .ports(40_000 + n, 443)
                                .seq(0x1000_0000 * n + 0x0ABC)
                                .tcpOptions(Frames.TS_OPTIONS);
                        if (ipv6) {
                            b.ipv6();
                        }
                        // tshark names an 802.1ad (0x88A8) outer tag ieee8021ad.id, an 802.1Q one vlan.id.
                        String vlans = "\t";
                        if (tags == 2) {
                            b.vlan(0x88A8, 300 + n).vlan(0x8100, 42);
                            vlans = (300 + n) + "\t42";
                        } else if (tags == 1) {
                            b.vlan(0x8100, (3 << 13) | (100 + n));
                            vlans = "\t" + (100 + n);
                        }
                        byte[] syn = b.build();
                        TcpSegment in = Frames.decode(syn);
                        int mss = msses[n % msses.length];
                        int cookie = 0x8000_0000 | (n * 0x0101_0101);
                        int tsVal = 0xF000_0000 + n;
                        // Reset mode (cookie as seq) with timestamps; retry mode (cookie as ack) without.
                        int seq = timestamps ? cookie : 0x2000_0000 + n;
                        int ack = timestamps ? in.seq() + 1 : cookie;
                        int length = timestamps
                                ? builder.synAckWithTimestamps(syn, in, seq, ack, 65_535, mss, tsVal, out)
                                : builder.synAck(syn, in, seq, ack, 1024, mss, out);
                        assertThat(ChecksumVerifier.verifies(out, length)).isTrue();
                        synAcks.write(out, length);
                        synAckBytes += 16 + length;
                        synAckLines.add(line(
                                1,
                                1,
                                0,
                                seq,
                                ack,
                                String.valueOf(mss),
                                timestamps ? Integer.toUnsignedString(tsVal) : "",
                                timestamps ? Integer.toUnsignedString(Frames.TS_OPTIONS_TSVAL) : "",
                                vlans));

                        // The client's ACK of that SYN-ACK, and our RST to it.
                        FrameBuilder ackFrame = FrameBuilder.syn()
                                .ports(40_000 + n, 443)
                                .flags(TcpSegment.ACK)
                                .seq(in.seq() + 1)
                                .ack(cookie + 1);
                        if (ipv6) {
                            ackFrame.ipv6();
                        }
                        if (tags == 2) {
                            ackFrame.vlan(0x88A8, 300 + n).vlan(0x8100, 42);
                        } else if (tags == 1) {
                            ackFrame.vlan(0x8100, (3 << 13) | (100 + n));
                        }
                        byte[] client = ackFrame.build();
                        TcpSegment clientAck = Frames.decode(client);
                        length = builder.rst(client, clientAck, clientAck.ack(), out);
                        assertThat(ChecksumVerifier.verifies(out, length)).isTrue();
                        rsts.write(out, length);
                        rstBytes += 16 + length;
                        rstLines.add(line(0, 0, 1, cookie + 1, 0, "", "", "", vlans));
                    }
                }
            }
        }
        writeBroken(dir.resolve("broken.pcap"), builder, out);
        Files.write(dir.resolve("synack.expected"), synAckLines);
        Files.write(dir.resolve("rst.expected"), rstLines);

        assertThat(synAckLines).hasSize(12);
        assertThat(Files.size(dir.resolve("synack.pcap"))).isEqualTo(synAckBytes);
        assertThat(Files.size(dir.resolve("rst.pcap"))).isEqualTo(rstBytes);
    }

    /**
     * Two SYN-ACKs with a wrong checksum, TCP's in the first and IPv4's in the second: the script
     * checks that its filter finds exactly these, so a filter that can never match does not pass.
     */
    private static void writeBroken(Path file, SynAckBuilder builder, byte[] out) throws IOException {
        byte[] syn = FrameBuilder.syn().build();
        TcpSegment in = Frames.decode(syn);
        try (PcapWriter broken = new PcapWriter(file, LinkType.ETHERNET)) {
            int length = builder.synAck(syn, in, 1, 2, 1024, 1460, out);
            out[14 + 20 + 16] ^= 0x01; // TCP checksum
            assertThat(ChecksumVerifier.tcpVerifies(out, length)).isFalse();
            broken.write(out, length);
            length = builder.synAck(syn, in, 1, 2, 1024, 1460, out);
            out[14 + 10] ^= 0x01; // IPv4 header checksum
            assertThat(ChecksumVerifier.ipHeaderVerifies(out, length)).isFalse();
            broken.write(out, length);
        }
    }

    /** One line as {@code tshark -T fields} prints {@link #FIELDS}: tab-separated, empty for an absent field. */
    private static String line(
            int syn, int ack, int reset, int seq, int ackNumber, String mss, String tsVal, String tsEcr, String vlans) {
        return String.join(
                "\t",
                String.valueOf(syn),
                String.valueOf(ack),
                String.valueOf(reset),
                Integer.toUnsignedString(seq),
                Integer.toUnsignedString(ackNumber),
                mss,
                tsVal,
                tsEcr,
                vlans);
    }
}
