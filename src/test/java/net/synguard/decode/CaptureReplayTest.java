package net.synguard.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.Pcaps;

/**
 * Decodes every frame of the real captures. The expected numbers come from tshark 4.x, e.g.
 * {@code tshark -r F -Y "tcp.flags.syn==1 && tcp.flags.ack==0" | wc -l}; "payload" is the sum of
 * tshark's {@code tcp.len}, which, like {@link TcpSegment#payloadLength}, comes from the IP length.
 *
 * <p>tshark's {@code tcp} filter also matches the TCP header quoted inside ICMP errors: the
 * reflection capture has 139 ICMP unreachables quoting SYNs. Those are ICMP on the wire, so the
 * numbers for that file come from filters with {@code && !icmp} added.
 */
class CaptureReplayTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // file, frames, tcp, SYN, SYN-ACK, RST, FIN, not IP, not TCP, MSS, TS, WS, SACK-perm, payload, SYN sources
        "stopddos__pkt.TCP.synflood.spoofed.pcap,   37841, 37841, 37841,     0,    0,   0, 0,   0,     0,    0,   0,   0,      0, 37623",
        "stopddos__amp.TCP.reflection.SYNACK.pcap,   8000,  7679,     1,  6651, 1018,   0, 4, 317,  6652,    0,   2,   2,    528,     1",
        "lucid__CIC-DDoS-2019-SynFlood.pcap,        26316, 26316, 18778,     0, 7538,   0, 0,   0,     0,    0,   0,   0,      0,     1",
        "lucid__CIC-DDoS-2019-WebDDoS.pcap,          3104,  3104,   290,   298,    0, 580, 0,   0,   588, 3104, 588, 588, 571452,     1",
        "lab_mixed_spoofed_flood_and_http.pcap,     41114, 41114, 20060, 20574,    0, 120, 0,   0, 40634,  600, 120, 120,  52440, 17255",
    })
    void decodesEveryFrameLikeTshark(
            String file,
            long frames,
            long tcp,
            long syn,
            long synAck,
            long rst,
            long fin,
            long notIp,
            long notTcp,
            long mss,
            long timestamps,
            long windowScale,
            long sackPermitted,
            long payload,
            long synSources)
            throws Exception {
        DecodeCounters counters = new DecodeCounters();
        TcpSegment s = new TcpSegment();
        long[] seen = new long[10];
        Set<Address> sources = new HashSet<>();
        try (PcapHandle handle =
                Pcaps.openOffline(Path.of("tests/captures", file).toString())) {
            FrameDecoder decoder = new FrameDecoder(handle.getDlt().value(), counters);
            byte[] frame;
            while ((frame = handle.getNextRawPacket()) != null) {
                if (!decoder.decode(frame, frame.length, s)) {
                    continue;
                }
                assertThat(s.l4Offset() + s.headerLength()).isLessThanOrEqualTo(frame.length);
                if (s.isSyn()) {
                    seen[0]++;
                    sources.add(new Address(s.srcHi(), s.srcLo()));
                }
                seen[1] += s.isSynAck() ? 1 : 0;
                seen[2] += s.isRst() ? 1 : 0;
                seen[3] += s.isFin() ? 1 : 0;
                seen[4] += s.mss() >= 0 ? 1 : 0;
                seen[5] += s.hasTimestamps() ? 1 : 0;
                seen[6] += s.windowScale() >= 0 ? 1 : 0;
                seen[7] += s.sackPermitted() ? 1 : 0;
                seen[8] += s.payloadLength();
            }
        }
        assertThat(counters.framesTotal()).as("frames").isEqualTo(frames);
        assertThat(counters.decodedTotal()).as("tcp: %s", counters).isEqualTo(tcp);
        assertThat(counters.malformedTotal()).as("malformed: %s", counters).isZero();
        assertThat(counters.anomalyTotal()).as("anomalies: %s", counters).isZero();
        assertThat(counters.count(DecodeOutcome.NOT_IP)).as("not ip").isEqualTo(notIp);
        assertThat(counters.count(DecodeOutcome.NOT_TCP)).as("not tcp").isEqualTo(notTcp);
        assertThat(seen)
                .as("SYN, SYN-ACK, RST, FIN, MSS, TS, WS, SACK-perm, payload")
                .startsWith(syn, synAck, rst, fin, mss, timestamps, windowScale, sackPermitted, payload);
        assertThat(sources).as("distinct SYN sources").hasSize((int) synSources);
    }
}
