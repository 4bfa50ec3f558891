package net.synguard.mitigate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import net.synguard.capture.LinkType;
import net.synguard.config.ConfigLoader;
import net.synguard.config.SynguardConfig;
import net.synguard.decode.Address;
import net.synguard.decode.FrameBuilder;
import net.synguard.decode.TcpSegment;
import org.junit.jupiter.api.Test;

/**
 * The responder with a real mitigation behind it: real nft in a namespace (the verified set is
 * checked in the kernel), real cookie keys in a state directory; frames from the project's builder,
 * answers decoded with the project's decoder and their checksums verified independently.
 */
class ResponderTest extends NetnsMitigationTestBase {
    private static final byte[] SERVER = {(byte) 192, 0, 2, 10};
    private static final long T0 = 1_700_000_000_000_000_000L;

    private final List<byte[]> sent = Collections.synchronizedList(new ArrayList<>());
    private Responder responder;

    private void start(String handoff, String extra) throws Exception {
        start(handoff, extra, NS.nftCommand());
    }

    private void start(String handoff, String extra, List<String> nftCommand) throws Exception {
        String hocon = "synguard { interfaces = [ \"lo\" ]\n"
                + "protect = [ { address = \"192.0.2.10\", ports = [ 80 ] } ]\n"
                + "mitigation { mode = \"always\", handoff = \"" + handoff + "\", purge-half-open = false\n"
                + "  nft-command = [ "
                + String.join(
                        ", ", NS.nftCommand().stream().map(w -> "\"" + w + "\"").toList())
                + " ]\n" + extra + " }\n"
                + "alerts { file = \"" + dir.resolve("alerts.log") + "\" }\n"
                + "state-dir = \"" + dir + "\" }\n";
        SynguardConfig cfg = ConfigLoader.parse(hocon, "test.conf");
        mitigation = Mitigation.create(cfg, (event, json, summary) -> events.add(json), dir);
        mitigation.start();
        responder = mitigation.responder(LinkType.ETHERNET, (frame, length) -> {
            sent.add(java.util.Arrays.copyOf(frame, length));
            return true;
        });
        assertThat(responder).isNotNull();
        assertThat(mitigation.enforcing()).as("table installed by real nft").isTrue();
    }

    private static byte[] syn(byte[] client, int port, int isn) {
        return FrameBuilder.syn()
                .src(client)
                .dst(SERVER)
                .ports(port, 80)
                .seq(isn)
                .tcpOptions(Frames.MSS_ONLY_OPTIONS)
                .build();
    }

    private static byte[] segment(byte[] client, int port, int flags, int seq, int ack) {
        return FrameBuilder.syn()
                .src(client)
                .dst(SERVER)
                .ports(port, 80)
                .flags(flags)
                .seq(seq)
                .ack(ack)
                .build();
    }

    private void onSyn(byte[] frame, long now) {
        responder.onSyn(frame, Frames.decode(frame), now);
    }

    private void onReply(byte[] frame, long now) {
        responder.onReply(frame, Frames.decode(frame), now);
    }

    @Test
    void retryHandoffVerifiesTheClientsRstAndLetsItsNextSynPass() throws Exception {
        start("retry", "");
        byte[] client = {(byte) 198, 18, 0, 3};
        onSyn(syn(client, 40_000, 0x1111_2222), T0);

        assertThat(sent).hasSize(1);
        byte[] answer = sent.get(0);
        assertThat(ChecksumVerifier.verifies(answer, answer.length)).isTrue();
        TcpSegment a = Frames.decode(answer);
        assertThat(a.flags()).isEqualTo(TcpSegment.SYN | TcpSegment.ACK);
        assertThat(a.dstLo()).isEqualTo(Address.ofIpv4(0xC612_0003).lo());
        assertThat(a.dstPort()).isEqualTo(40_000);
        assertThat(a.ack()).as("retry: the ACK is the cookie, not isn + 1").isNotEqualTo(0x1111_2223);
        assertThat(a.mss()).isEqualTo(1460);

        // The client's stack answers the unacceptable ACK with <SEQ=SEG.ACK><CTL=RST>.
        onReply(segment(client, 40_000, TcpSegment.RST, a.ack(), 0), T0 + 1_000_000);
        assertThat(mitigation
                        .verified()
                        .contains(
                                Address.ofIpv4(0xC612_0003).hi(),
                                Address.ofIpv4(0xC612_0003).lo()))
                .isTrue();
        mitigation.nft().flush(java.time.Duration.ofSeconds(5));
        assertThat(NS.elements("verified4")).contains("198.18.0.3");

        // Its retransmitted SYN is the kernel's now: no answer from us.
        onSyn(syn(client, 40_000, 0x1111_2222), T0 + 13_000_000);
        assertThat(sent).hasSize(1);
        assertThat(mitigation.responderCounters()).containsEntry("sources_verified", 1L);
    }

    @Test
    void aForgedRstVerifiesNobody() throws Exception {
        start("retry", "");
        byte[] client = {(byte) 198, 18, 0, 4};
        onSyn(syn(client, 40_001, 7), T0);
        int cookie = Frames.decode(sent.get(0)).ack();
        onReply(segment(client, 40_001, TcpSegment.RST, cookie + 1, 0), T0 + 1_000_000);
        onReply(segment(client, 40_002, TcpSegment.RST, cookie, 0), T0 + 1_000_000); // other port
        onReply(segment(new byte[] {(byte) 198, 18, 0, 5}, 40_001, TcpSegment.RST, cookie, 0), T0 + 1_000_000);
        assertThat(mitigation.verifiedNow()).isZero();
        assertThat(mitigation.responderCounters()).containsEntry("bad_cookies", 3L);
    }

    @Test
    void resetHandoffVerifiesTheAckAndResetsThatConnection() throws Exception {
        start("reset", "");
        byte[] client = {(byte) 198, 18, 0, 6};
        int isn = 0x7000_0000;
        onSyn(syn(client, 41_000, isn), T0);
        TcpSegment a = Frames.decode(sent.get(0));
        assertThat(a.ack()).isEqualTo(isn + 1);
        int cookie = a.seq();

        onReply(segment(client, 41_000, TcpSegment.ACK, isn + 1, cookie + 1), T0 + 2_000_000);

        assertThat(mitigation.verifiedNow()).isEqualTo(1);
        assertThat(sent).hasSize(2);
        byte[] rst = sent.get(1);
        assertThat(ChecksumVerifier.verifies(rst, rst.length)).isTrue();
        TcpSegment r = Frames.decode(rst);
        assertThat(r.flags()).isEqualTo(TcpSegment.RST);
        assertThat(r.seq()).as("RFC 9293 3.10.7.4: SEQ = SEG.ACK").isEqualTo(cookie + 1);
    }

    @Test
    void autoHandoffFallsBackToTheClassicCookieWhenTheRetryIsIgnored() throws Exception {
        start("auto", "");
        byte[] client = {(byte) 198, 18, 0, 7};
        onSyn(syn(client, 42_000, 100), T0);
        onSyn(syn(client, 42_000, 100), T0 + 1_000_000_000L); // its firewall dropped our SYN-ACK
        assertThat(sent).hasSize(2);
        assertThat(Frames.decode(sent.get(0)).ack()).isNotEqualTo(101);
        assertThat(Frames.decode(sent.get(1)).ack())
                .as("classic cookie: ack = isn + 1")
                .isEqualTo(101);
        assertThat(mitigation.responderCounters())
                .containsEntry("retry_synacks", 1L)
                .containsEntry("reset_synacks", 1L);
    }

    @Test
    void sourcesThatNeverAnswerAreNotAnsweredDuringTheBackoff() throws Exception {
        start("retry", "unanswered-limit = 3, unanswered-backoff = 10s");
        byte[] spoofed = {(byte) 198, 19, 1, 2};
        for (int i = 0; i < 10; i++) {
            onSyn(syn(spoofed, 1000 + i, i), T0 + i * 100_000_000L);
        }
        assertThat(sent).hasSize(3);
        assertThat(mitigation.responderCounters()).containsEntry("backed_off", 7L);
        onSyn(syn(spoofed, 2000, 1), T0 + 11_000_000_000L);
        assertThat(sent).as("answered again after the back-off").hasSize(4);
    }

    @Test
    void oneVictimPrefixGetsNoMoreThanItsRate() throws Exception {
        start("retry", "prefix-synack-rate = 100, max-synack-rate = 100000");
        // 5,000 spoofed SYNs from 198.19.7.0/24 within one millisecond: one bucket of 100.
        for (int i = 0; i < 5000; i++) {
            byte[] src = {(byte) 198, 19, 7, (byte) (i % 250 + 1)};
            onSyn(syn(src, 1024 + i, i), T0 + i * 200L);
        }
        assertThat(sent).hasSize(100);
        assertThat(mitigation.responderCounters()).containsEntry("rate_limited", 4900L);
    }

    @Test
    void neverMoreThanOneAnswerPerSynAndNoneWithoutASyn() throws Exception {
        start("auto", "unanswered-limit = 1000");
        SplittableRandom random = new SplittableRandom(7);
        int syns = 0;
        List<Long> synSources = new ArrayList<>();
        int[] flagChoices = {
            TcpSegment.SYN,
            TcpSegment.ACK,
            TcpSegment.RST,
            TcpSegment.RST | TcpSegment.ACK,
            TcpSegment.FIN | TcpSegment.ACK,
            TcpSegment.ACK | TcpSegment.PSH
        };
        for (int i = 0; i < 20_000; i++) {
            byte[] src = {(byte) 198, 19, (byte) random.nextInt(4), (byte) (1 + random.nextInt(200))};
            int flags = flagChoices[random.nextInt(flagChoices.length)];
            byte[] frame = segment(src, 1024 + random.nextInt(100), flags, random.nextInt(), random.nextInt());
            long now = T0 + i * 10_000L;
            if (flags == TcpSegment.SYN) {
                syns++;
                synSources.add(Address.ofIpv4(0xC613_0000 | (src[2] & 0xFF) << 8 | (src[3] & 0xFF))
                        .lo());
                onSyn(frame, now);
            } else {
                onReply(frame, now);
            }
        }
        assertThat(sent.size()).isLessThanOrEqualTo(syns);
        for (byte[] f : sent) {
            TcpSegment s = Frames.decode(f);
            assertThat(s.flags()).isEqualTo(TcpSegment.SYN | TcpSegment.ACK);
            assertThat(synSources).contains(s.dstLo());
        }
        assertThat(mitigation.verifiedNow())
                .as("random RSTs and ACKs forge no cookie")
                .isZero();
    }

    @Test
    void ownAddressesAndBroadcastMacsAreNeverAnswered() throws Exception {
        start("retry", "");
        mitigation.ownAddresses().set(List.of(Address.ofIpv4(0xC612_0009)));
        onSyn(syn(new byte[] {(byte) 198, 18, 0, 9}, 40_000, 1), T0);
        byte[] broadcast = syn(new byte[] {(byte) 198, 18, 0, 10}, 40_000, 1);
        Frames.setMac(broadcast, 6, "ff:ff:ff:ff:ff:ff");
        onSyn(broadcast, T0);
        assertThat(sent).isEmpty();
        assertThat(mitigation.responderCounters())
                .containsEntry("own_source", 1L)
                .containsEntry("not_answerable", 1L);
    }

    @Test
    void modeAlwaysStartsMitigationAndTheTableComesAndGoes() throws Exception {
        start("retry", "");
        assertThat(events).anyMatch(e -> e.contains("\"event\":\"mitigation_started\"") && e.contains("mode_always"));
        mitigation.nft().flush(java.time.Duration.ofSeconds(5));
        assertThat(NS.elements("active4")).containsExactly("192.0.2.10 . 80");
        mitigation.close();
        mitigation = null;
        assertThat(NS.nft("", "list", "table", "inet", "synguard").status()).isNotZero();
        assertThat(Files.exists(dir.resolve(CookieKeys.FILE_NAME))).isTrue();
    }

    @Test
    void answeringASpoofedFloodAllocatesNothing() throws Exception {
        start("retry", "unanswered-limit = 1000, prefix-synack-rate = 10000000, max-synack-rate = 10000000");
        long[] sentCount = new long[1];
        Responder quiet = mitigation.responder(LinkType.ETHERNET, (frame, length) -> {
            sentCount[0] += length;
            return true;
        });
        int n = 4096;
        byte[][] frames = new byte[n][];
        TcpSegment[] segments = new TcpSegment[n];
        for (int i = 0; i < n; i++) {
            frames[i] = syn(new byte[] {(byte) 198, 19, (byte) (i >> 8), (byte) i}, 1024 + i, i * 7919);
            segments[i] = Frames.decode(frames[i]);
        }
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long now = T0;
        for (int i = 0; i < 400_000; i++) { // warm-up: C2 compiles the path
            quiet.onSyn(frames[i & (n - 1)], segments[i & (n - 1)], now += 1_000);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 400_000; i++) {
            quiet.onSyn(frames[i & (n - 1)], segments[i & (n - 1)], now += 1_000);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(sentCount[0]).isPositive();
        assertThat(allocated).as("bytes allocated answering 400,000 SYNs").isLessThan(4096);
    }

    @Test
    void aSynBeforeTheKernelHasTheVerificationIsChallengedAgainNotLost() throws Exception {
        // An nft that starts slowly (0.5 s): the verification is queued but not in the kernel yet.
        List<String> slow = new ArrayList<>(List.of("sh", "-c", "sleep 0.5; exec \"$@\"", "nft"));
        slow.addAll(NS.nftCommand());
        start("reset", "", slow);
        byte[] client = {(byte) 198, 18, 0, 8};
        int isn = 5000;
        onSyn(syn(client, 43_000, isn), T0);
        int cookie = Frames.decode(sent.get(0)).seq();
        onReply(segment(client, 43_000, TcpSegment.ACK, isn + 1, cookie + 1), T0 + 1_000_000);
        assertThat(mitigation.verifiedNow()).isEqualTo(1);

        // The client reconnects at once (the reset), before nft applied the verified element: its
        // SYN was dropped in the kernel, so it gets a retry SYN-ACK, for a quick retransmission.
        onSyn(syn(client, 43_001, 9000), T0 + 1_500_000);
        assertThat(sent).hasSize(3); // SYN-ACK, RST, and the retry SYN-ACK
        TcpSegment again = Frames.decode(sent.get(2));
        assertThat(again.flags()).isEqualTo(TcpSegment.SYN | TcpSegment.ACK);
        assertThat(again.ack()).as("a retry SYN-ACK: its ACK is not isn + 1").isNotEqualTo(9001);
        assertThat(mitigation.responderCounters()).containsEntry("pending_rechallenged", 1L);

        mitigation.nft().flush(java.time.Duration.ofSeconds(5));
        onSyn(syn(client, 43_001, 9000), T0 + 20_000_000);
        assertThat(sent).as("once the kernel has it, its SYNs pass").hasSize(3);
    }

    /**
     * Issue 6, "verified, then flooding": a source that proved itself and then sends more than
     * detect.source.syn-rate (500) SYNs in a second loses its verification and is blocked in the
     * kernel; its stack's RSTs to our challenges (a valid cookie each) verify it no more, and
     * another client still gets verified.
     */
    @Test
    void aVerifiedSourceThatFloodsIsRevokedAndBlocked() throws Exception {
        start("retry", "");
        byte[] flooder = {(byte) 198, 18, 0, 9};
        Address f = Address.ofIpv4(0xC612_0009);
        onSyn(syn(flooder, 44_000, 1), T0);
        onReply(
                segment(
                        flooder,
                        44_000,
                        TcpSegment.RST,
                        Frames.decode(sent.get(0)).ack(),
                        0),
                T0 + 1_000_000);
        mitigation.nft().flush(java.time.Duration.ofSeconds(5));
        assertThat(mitigation.verified().contains(f.hi(), f.lo())).isTrue();

        // 500 SYNs in 0.5 s pass as verified (the limit), the 501st is over it.
        long t = T0 + 10_000_000;
        for (int i = 0; i < 500; i++) {
            onSyn(syn(flooder, 1024 + i, i), t + i * 1_000_000L);
        }
        assertThat(sent).as("500 SYNs within the limit pass to the kernel").hasSize(1);
        assertThat(mitigation.verified().contains(f.hi(), f.lo())).isTrue();
        onSyn(syn(flooder, 2000, 7), t + 500_000_000L);
        assertThat(mitigation.verified().contains(f.hi(), f.lo())).as("revoked").isFalse();
        assertThat(mitigation.responderCounters()).containsEntry("verified_floods", 1L);
        assertThat(sent)
                .as("the SYN over the limit is challenged like an unverified one")
                .hasSize(2);
        mitigation.nft().flush(java.time.Duration.ofSeconds(5));
        assertThat(NS.elements("blocked4")).containsExactly("198.18.0.9");
        assertThat(events.stream().filter(e -> e.contains("\"event\":\"source_blocked\"")))
                .singleElement()
                .asString()
                .contains("\"source\":\"198.18.0.9\"")
                .contains("\"reason\":\"verified_flood\"")
                .contains("\"syns\":501")
                .contains("\"enforced\":true");

        // Its stack answers the challenge with the RST that carries the cookie: verifies nothing.
        onReply(
                segment(
                        flooder,
                        2000,
                        TcpSegment.RST,
                        Frames.decode(sent.get(1)).ack(),
                        0),
                t + 501_000_000L);
        assertThat(mitigation.verified().contains(f.hi(), f.lo())).isFalse();
        assertThat(mitigation.responderCounters()).containsEntry("revoked_cookies", 1L);

        // Further SYNs: challenged until its back-off (unanswered-limit 4), never passed.
        for (int i = 0; i < 100; i++) {
            assertThat(responder.onSyn(
                            syn(flooder, 3000 + i, i), Frames.decode(syn(flooder, 3000 + i, i)), t + 600_000_000L + i))
                    .isTrue();
        }
        assertThat(sent).as("at most unanswered-limit challenges, then quiet").hasSizeLessThanOrEqualTo(2 + 4);

        // Another client is still verified as usual.
        byte[] other = {(byte) 198, 18, 0, 10};
        int before = sent.size();
        onSyn(syn(other, 45_000, 3), t + 700_000_000L);
        onReply(
                segment(
                        other,
                        45_000,
                        TcpSegment.RST,
                        Frames.decode(sent.get(before)).ack(),
                        0),
                t + 701_000_000L);
        assertThat(mitigation
                        .verified()
                        .contains(
                                Address.ofIpv4(0xC612_000A).hi(),
                                Address.ofIpv4(0xC612_000A).lo()))
                .isTrue();
        assertThat(mitigation.blockedNow()).isEqualTo(1);
    }

    /** A verified client at half the limit, for five seconds, is never revoked. */
    @Test
    void aBusyVerifiedClientBelowTheLimitIsNotRevoked() throws Exception {
        start("retry", "");
        byte[] client = {(byte) 198, 18, 0, 11};
        onSyn(syn(client, 46_000, 1), T0);
        onReply(
                segment(
                        client,
                        46_000,
                        TcpSegment.RST,
                        Frames.decode(sent.get(0)).ack(),
                        0),
                T0 + 1_000_000);
        mitigation.nft().flush(java.time.Duration.ofSeconds(5));
        for (int i = 0; i < 1250; i++) {
            onSyn(syn(client, 1024 + i, i), T0 + 10_000_000 + i * 4_000_000L); // 250/s
        }
        assertThat(sent).hasSize(1);
        assertThat(mitigation.responderCounters()).containsEntry("verified_floods", 0L);
        assertThat(mitigation.blockedNow()).isZero();
    }

    /** With blocks off, a verified flood is still revoked (and counted), but nothing is blocked. */
    @Test
    void withBlocksOffAVerifiedFloodIsOnlyRevoked() throws Exception {
        start("retry", "block { enabled = false }");
        byte[] flooder = {(byte) 198, 18, 0, 12};
        Address f = Address.ofIpv4(0xC612_000C);
        onSyn(syn(flooder, 47_000, 1), T0);
        onReply(
                segment(
                        flooder,
                        47_000,
                        TcpSegment.RST,
                        Frames.decode(sent.get(0)).ack(),
                        0),
                T0 + 1_000_000);
        mitigation.nft().flush(java.time.Duration.ofSeconds(5));
        for (int i = 0; i < 501; i++) {
            onSyn(syn(flooder, 1024 + i, i), T0 + 10_000_000 + i * 100_000L);
        }
        assertThat(mitigation.verified().contains(f.hi(), f.lo())).isFalse();
        assertThat(mitigation.responderCounters()).containsEntry("verified_floods", 1L);
        mitigation.nft().flush(java.time.Duration.ofSeconds(5));
        assertThat(NS.elements("blocked4")).isEmpty();
        assertThat(events.stream().filter(e -> e.contains("source_blocked"))).isEmpty();
    }
}
