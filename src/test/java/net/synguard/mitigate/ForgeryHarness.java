package net.synguard.mitigate;

import java.nio.file.Path;
import java.util.SplittableRandom;
import net.synguard.alert.EventContext;
import net.synguard.capture.CaptureFiles;
import net.synguard.capture.FrameHandler;
import net.synguard.capture.LinkType;
import net.synguard.capture.PacketSource;
import net.synguard.config.ConfigLoader;
import net.synguard.config.SynguardConfig;
import net.synguard.decode.Address;
import net.synguard.decode.FrameBuilder;
import net.synguard.decode.TcpSegment;
import net.synguard.pipeline.Pipeline;

/**
 * Drives a cookie-forgery flood through the daemon's own data path (issue 6, item 1): the real
 * {@link Pipeline} (decode, protect filter, tracker) with a {@link Mitigation} whose target
 * 198.18.0.1 is under enforcement from the start, mode always, handoff {@code auto} (so both the
 * retry RST check and the reset ACK check run), and cookie keys drawn the production way
 * ({@link Mitigation#detached}: in memory, from SecureRandom; no nft, no events).
 *
 * <p>Positive control: every {@code controlEvery} flood frames a real client (its own address in
 * 198.18.16.0/20) sends a SYN, and answers the SYN-ACK the responder sent with the RST its stack
 * would send. Those must all be verified; a harness that verified nothing could not tell a sound
 * codec from a broken pipeline.
 */
final class ForgeryHarness implements FrameHandler {
    /** The result: forged frames checked, sources verified by them, and the control clients'. */
    record Result(
            long frames, long forgedVerified, long controls, long controlsVerified, long badCookies, double seconds) {

        /** Expected forged verifications: 8 of 2^32 values pass per try (CookieCodec, "Forgery odds"). */
        double expected() {
            return frames * 0x1p-29;
        }

        String line() {
            return String.format(
                    java.util.Locale.ROOT,
                    "forgery_tries=%d forged_verified=%d expected=%.4f bound=%d bad_cookies=%d controls=%d"
                            + " controls_verified=%d seconds=%.1f tries_per_s=%.0f",
                    frames,
                    forgedVerified,
                    expected(),
                    bound(frames, 1e-6),
                    badCookies,
                    controls,
                    controlsVerified,
                    seconds,
                    frames / seconds);
        }
    }

    private final Mitigation mitigation;
    private final Pipeline pipeline;
    private final int controlEvery;
    private final SplittableRandom random = new SplittableRandom(42);
    private byte[] answer;
    private long frames;
    private long controls;

    ForgeryHarness(int controlEvery) throws net.synguard.config.ConfigError {
        SynguardConfig cfg = ConfigLoader.parse(
                "synguard { interfaces = [ \"lo\" ]\n"
                        + "protect = [ { address = \"198.18.0.1\", ports = [ 80 ] } ]\n"
                        + "mitigation { mode = \"always\", handoff = \"auto\" } }\n",
                "forgery.conf");
        Address server = Address.ofIpv4(ForgeryFrames.SERVER);
        this.mitigation = Mitigation.detached(cfg, server.hi(), server.lo());
        this.pipeline = new Pipeline(
                cfg,
                LinkType.ETHERNET,
                (event, json, summary) -> {},
                EventContext.NONE,
                mitigation,
                (frame, length) -> {
                    answer = java.util.Arrays.copyOf(frame, length);
                    return true;
                });
        this.controlEvery = controlEvery;
    }

    @Override
    public void onFrame(byte[] frame, int capturedLength, long timestampNs) {
        pipeline.onFrame(frame, capturedLength, timestampNs);
        if (++frames % controlEvery == 0) {
            control(timestampNs);
        }
    }

    /** A real client: SYN, our SYN-ACK, its stack's RST carrying the cookie (retry handoff). */
    private void control(long nowNs) {
        int n = (int) controls++;
        byte[] client = {(byte) 198, 18, (byte) (16 + (n >>> 8 & 0x0F)), (byte) n};
        int port = 1024 + random.nextInt(60_000);
        answer = null;
        byte[] syn = FrameBuilder.syn()
                .src(client)
                .dst(new byte[] {(byte) 198, 18, 0, 1})
                .ports(port, 80)
                .seq(random.nextInt())
                .tcpOptions(Frames.MSS_ONLY_OPTIONS)
                .build();
        pipeline.onFrame(syn, syn.length, nowNs);
        if (answer == null) {
            return; // counted as a control that was not verified
        }
        TcpSegment a = Frames.decode(answer);
        byte[] rst = FrameBuilder.syn()
                .src(client)
                .dst(new byte[] {(byte) 198, 18, 0, 1})
                .ports(port, 80)
                .flags(TcpSegment.RST)
                .seq(a.ack())
                .build();
        pipeline.onFrame(rst, rst.length, nowNs + 1_000_000);
    }

    /** Reads {@code pcap} with the daemon's capture-file reader (engine ffm) and replays it. */
    static Result replay(Path pcap, int controlEvery) throws Exception {
        ForgeryHarness h = new ForgeryHarness(controlEvery);
        long t0 = System.nanoTime();
        try (PacketSource source = CaptureFiles.open(pcap, CaptureFiles.ENGINE_FFM, notice -> {})) {
            source.run(h);
        }
        return h.result((System.nanoTime() - t0) / 1e9);
    }

    /** Generates {@code count} frames of {@link ForgeryFrames} in memory and replays them. */
    static Result generated(long count, long seed, int controlEvery) throws net.synguard.config.ConfigError {
        ForgeryHarness h = new ForgeryHarness(controlEvery);
        ForgeryFrames frames = new ForgeryFrames(seed);
        long t0 = System.nanoTime();
        long start = 1_700_000_000_000_000_000L;
        for (long i = 0; i < count; i++) {
            h.onFrame(frames.next(), ForgeryFrames.FRAME_LENGTH, start + i * 1_000);
        }
        return h.result((System.nanoTime() - t0) / 1e9);
    }

    private Result result(double seconds) {
        long controlsVerified = 0;
        for (int n = 0; n < controls; n++) {
            Address c = Address.ofIpv4(0xC612_0000 | (16 + (n >>> 8 & 0x0F)) << 8 | (n & 0xFF));
            if (mitigation.verified().contains(c.hi(), c.lo())) {
                controlsVerified++;
            }
        }
        var counters = mitigation.responderCounters();
        Address server = Address.ofIpv4(ForgeryFrames.SERVER);
        long verified = mitigation.target(server.hi(), server.lo()).sourcesVerified();
        return new Result(
                frames, verified - controlsVerified, controls, controlsVerified, counters.get("bad_cookies"), seconds);
    }

    /**
     * The smallest k with P(X > k) below {@code alpha} for X ~ Poisson(tries * 2^-29) (the binomial's
     * limit at this rate): the most forged verifications a sound codec gives, but for one run in
     * 1/alpha.
     */
    static int bound(long tries, double alpha) {
        double lambda = tries * 0x1p-29;
        double term = Math.exp(-lambda);
        double cdf = term;
        int k = 0;
        while (1 - cdf >= alpha) {
            k++;
            term *= lambda / k;
            cdf += term;
        }
        return k;
    }

    /** {@code ForgeryHarness FILE}: replays a capture of {@link ForgeryFrames} and prints the result. */
    static void main(String[] args) throws Exception {
        Result r = replay(Path.of(args[0]), 1_000_000);
        System.out.println(r.line());
        if (r.forgedVerified() > bound(r.frames(), 1e-6) || r.controlsVerified() != r.controls()) {
            System.exit(1);
        }
    }
}
