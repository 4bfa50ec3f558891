package net.synguard.mitigate;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.synguard.decode.Address;
import net.synguard.time.WallClock;

/**
 * Test support for tests/e2e/60-nft-enforce.sh: an {@link NftController} driven by lines on stdin,
 * answering one line each on stdout.
 *
 * <pre>
 *   java -cp synguard.jar:test-classes net.synguard.mitigate.NftDriver NETNS ADDRESS:PORT...
 *   setup | teardown | activate ADDRESS PORT | deactivate ADDRESS PORT
 *   verify ADDRESS MS | block ADDRESS MS | unblock ADDRESS | latency | quit
 * </pre>
 *
 * A command answers "ok WALL_NS ACK_NS" once nft has applied it: WALL_NS the CLOCK_REALTIME time
 * just before the offer (to compare with capture timestamps), ACK_NS offer to nft's acknowledgement.
 * Failures reported by the controller print "failed REASON".
 */
public final class NftDriver {
    private NftDriver() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        List<NftService> services = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            int colon = args[i].lastIndexOf(':');
            Address a = Address.parse(args[i].substring(0, colon));
            services.add(new NftService(a.hi(), a.lo(), Integer.parseInt(args[i].substring(colon + 1))));
        }
        NftController.Options options =
                NftController.Options.defaults().withCommand(List.of("ip", "netns", "exec", args[0], "nft"));
        NftController nft = new NftController(
                new NftRuleset(services), options, reason -> out.println("failed " + reason.replace('\n', ' ')));
        nft.start();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] w = line.strip().split("\\s+");
            long wallNs = WallClock.nowNs();
            long appliedBefore = nft.applied();
            boolean queued;
            switch (w[0]) {
                case "setup" -> {
                    out.println(nft.setUp() ? "ok" : "error setup");
                    continue;
                }
                case "teardown" -> {
                    out.println(nft.tearDown() ? "ok" : "error teardown");
                    continue;
                }
                case "latency" -> {
                    out.println("ok " + nft.latency());
                    continue;
                }
                case "quit" -> {
                    nft.close();
                    out.println("ok");
                    return;
                }
                case "verify" -> queued = nft.verify(Address.parse(w[1]), Duration.ofMillis(Long.parseLong(w[2])));
                case "block" -> queued = nft.block(Address.parse(w[1]), Duration.ofMillis(Long.parseLong(w[2])));
                case "unblock" -> queued = nft.unblock(Address.parse(w[1]));
                case "activate", "deactivate" -> {
                    Address a = Address.parse(w[1]);
                    NftService s = new NftService(a.hi(), a.lo(), Integer.parseInt(w[2]));
                    queued = w[0].equals("activate") ? nft.activate(s) : nft.deactivate(s);
                }
                default -> {
                    out.println("error unknown command " + w[0]);
                    continue;
                }
            }
            if (!queued) {
                out.println("error refused");
            } else if (!nft.flush(Duration.ofSeconds(5)) || nft.applied() == appliedBefore) {
                out.println("error not applied");
            } else {
                out.println("ok " + wallNs + " " + nft.latency().lastNs());
            }
        }
        nft.close();
    }
}
