package net.synguard.mitigate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A network namespace for one test class, and nft run inside it. */
final class NetnsNft {
    final String name;

    NetnsNft() {
        this("sgnft");
    }

    /** {@code prefix-PID}: test classes that may run side by side use their own prefix. */
    NetnsNft(String prefix) {
        this.name = prefix + "-" + ProcessHandle.current().pid();
    }

    /** Whether this machine can run the tests: root, ip and nft. */
    static boolean available() {
        try {
            return "0".equals(run(List.of("id", "-u"), "").out.strip())
                    && run(List.of("nft", "--version"), "").status == 0
                    && run(List.of("ip", "-V"), "").status == 0;
        } catch (RuntimeException e) {
            return false;
        }
    }

    void create() {
        delete();
        Result r = run(List.of("ip", "netns", "add", name), "");
        if (r.status != 0) {
            throw new IllegalStateException("ip netns add " + name + ": " + r.out);
        }
    }

    void delete() {
        run(List.of("ip", "netns", "del", name), "");
    }

    /** The words that run nft in the namespace: the controller's command. */
    List<String> nftCommand() {
        return List.of("ip", "netns", "exec", name, "nft");
    }

    /** nft ARGS in the namespace, SCRIPT on stdin. */
    Result nft(String stdin, String... args) {
        List<String> cmd = new ArrayList<>(nftCommand());
        cmd.addAll(List.of(args));
        return run(cmd, stdin);
    }

    /** Elements of a set as nft lists them, e.g. "198.51.100.7" or "198.18.0.1 . 80". */
    List<String> elements(String set) {
        Result r = nft("", "-j", "list", "set", "inet", "synguard", set);
        if (r.status != 0) {
            throw new IllegalStateException("nft list set " + set + ": " + r.out);
        }
        return NftJson.elements(r.out);
    }

    record Result(int status, String out) {}

    static Result run(List<String> cmd, String stdin) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            try (var in = p.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // Exited early: its output says why.
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(cmd + " hung");
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            return new Result(127, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
