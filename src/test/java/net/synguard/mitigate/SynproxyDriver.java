package net.synguard.mitigate;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import net.synguard.decode.Address;

/**
 * Test support for tests/e2e/66-nft-synproxy.sh: the kernel-synproxy engine's table ({@link
 * NftRuleset#synproxy} with this host's {@link SynproxyOptions#ofHost}) under an {@link
 * NftController}, and a {@link KernelPlaybook} on the real /proc/sys, both driven by lines on stdin
 * and answering one line each on stdout. Run it inside the server's network namespace: nft and
 * the sysctls act on the namespace of the process.
 *
 * <pre>
 *   ip netns exec NS java -cp synguard.jar:test-classes net.synguard.mitigate.SynproxyDriver ADDRESS:PORT...
 *   script FILE | setup | teardown | activate ADDRESS PORT | deactivate ADDRESS PORT | verify ADDRESS MS
 *   playbook SYNCOOKIES BACKLOG RETRIES LOOSE   (each a number or "keep")
 *   apply | restore | quit
 * </pre>
 *
 * Answers "ok [DETAIL]" or "error DETAIL"; apply and restore answer "ok" followed by each {@link
 * SysctlChange}, separated by " | ". Failures the controller reports print "failed REASON". The
 * controller starts with the first nft command, and its close on quit removes the table: a driver
 * that only runs the playbook leaves the table alone.
 */
public final class SynproxyDriver {
    private SynproxyDriver() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        List<NftService> services = new ArrayList<>();
        for (String arg : args) {
            int colon = arg.lastIndexOf(':');
            Address a = Address.parse(arg.substring(0, colon));
            services.add(new NftService(a.hi(), a.lo(), Integer.parseInt(arg.substring(colon + 1))));
        }
        NftRuleset ruleset = NftRuleset.synproxy(services);
        // Started on first use: a driver that only runs the playbook must not remove the table on exit.
        NftController nft = null;
        KernelPlaybook playbook = null;
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] w = line.strip().split("\\s+");
            if (nft == null
                    && List.of("setup", "teardown", "activate", "deactivate", "verify")
                            .contains(w[0])) {
                nft = new NftController(
                        ruleset,
                        NftController.Options.defaults(),
                        reason -> out.println("failed " + reason.replace('\n', ' ')));
                nft.start();
            }
            try {
                switch (w[0]) {
                    case "script" -> {
                        Files.writeString(Path.of(w[1]), ruleset.script());
                        out.println("ok " + ruleset.synproxyOptions().orElseThrow());
                    }
                    case "setup" -> out.println(nft.setUp() ? "ok" : "error setup");
                    case "teardown" -> out.println(nft.tearDown() ? "ok" : "error teardown");
                    case "activate", "deactivate" -> {
                        Address a = Address.parse(w[1]);
                        NftService s = new NftService(a.hi(), a.lo(), Integer.parseInt(w[2]));
                        long before = nft.applied();
                        boolean queued = w[0].equals("activate") ? nft.activate(s) : nft.deactivate(s);
                        boolean applied = queued && nft.flush(Duration.ofSeconds(5)) && nft.applied() > before;
                        out.println(applied ? "ok" : "error not applied");
                    }
                    case "verify" -> {
                        long before = nft.applied();
                        boolean queued = nft.verify(Address.parse(w[1]), Duration.ofMillis(Long.parseLong(w[2])));
                        boolean applied = queued && nft.flush(Duration.ofSeconds(5)) && nft.applied() > before;
                        out.println(applied ? "ok" : "error not applied");
                    }
                    case "playbook" -> {
                        playbook = new KernelPlaybook(
                                KernelPlaybook.PROC_SYS_NET_IPV4, opt(w[1]), opt(w[2]), opt(w[3]), opt(w[4]));
                        out.println("ok " + playbook);
                    }
                    case "apply", "restore" -> {
                        if (playbook == null) {
                            out.println("error no playbook");
                            continue;
                        }
                        List<SysctlChange> changes = w[0].equals("apply") ? playbook.apply() : playbook.restore();
                        StringBuilder b = new StringBuilder("ok");
                        for (SysctlChange c : changes) {
                            b.append(b.length() == 2 ? " " : " | ").append(c);
                        }
                        out.println(b);
                    }
                    case "quit" -> {
                        if (nft != null) {
                            nft.close();
                        }
                        out.println("ok");
                        return;
                    }
                    default -> out.println("error unknown command " + w[0]);
                }
            } catch (RuntimeException e) {
                out.println("error " + e);
            }
        }
        if (nft != null) {
            nft.close();
        }
    }

    private static OptionalInt opt(String word) {
        return word.equals("keep") ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(word));
    }
}
