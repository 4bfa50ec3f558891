package net.synguard.kernel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Real /proc files and what ss and nstat said at the same moment; how they were taken is in
 * capture/README.md beside them. Captured on x86_64, so socket tables decode little-endian.
 *
 * <ul>
 *   <li>{@code host-*}: the test machine, with listeners on 127.0.0.1:18080 (two connections
 *       waiting in its accept queue) and [::1]:18081 (one waiting) and established connections to
 *       both.
 *   <li>{@code ns-before-*}, {@code ns-nocookies-*}, {@code ns-cookies-*}: a fresh network
 *       namespace before any traffic; after connections to listeners that never accept, with an nft
 *       rule dropping the clients' final ACK and tcp_syncookies=0 (SYN_RECV sockets; a backlog-2
 *       listener on 8081 overflowing: TCPReqQFullDrop); and after tcp_syncookies=1 and the same
 *       overflow on 8082 (SyncookiesSent, TCPReqQFullDoCookies).
 * </ul>
 */
final class Fixtures {
    static final Path DIR = Path.of("src", "test", "resources", "net", "synguard", "kernel");

    private Fixtures() {}

    static Path path(String name) {
        return DIR.resolve(name);
    }

    static String text(String name) {
        try {
            return Files.readString(path(name), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One line of {@code ss -tanH}: state, Recv-Q, local endpoint normalized to LocalEndpoint's form. */
    record SsLine(String state, int recvQ, String local) {}

    static List<SsLine> ss(String tag) {
        List<SsLine> out = new ArrayList<>();
        for (String line : text(tag + "-ss.txt").split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length < 5) {
                continue;
            }
            out.add(new SsLine(f[0], Integer.parseInt(f[1]), normalize(f[3])));
        }
        return out;
    }

    /** ss writes a dual-stack wildcard as "*" and mapped addresses as [::ffff:a.b.c.d]. */
    private static String normalize(String endpoint) {
        if (endpoint.startsWith("*:")) {
            return "[::]" + endpoint.substring(1);
        }
        if (endpoint.startsWith("[::ffff:") && endpoint.indexOf('.') > 0) {
            return endpoint.substring("[::ffff:".length()).replace("]", "");
        }
        return endpoint;
    }

    static SortedMap<Integer, Integer> ssSynRecvByPort(String tag) {
        SortedMap<Integer, Integer> out = new TreeMap<>();
        for (SsLine line : ss(tag)) {
            if (line.state().equals("SYN-RECV")) {
                int port = Integer.parseInt(line.local().substring(line.local().lastIndexOf(':') + 1));
                out.merge(port, 1, Integer::sum);
            }
        }
        return out;
    }

    /** A TcpExt counter as {@code nstat -az --json} printed it, or -1 when nstat did not list it. */
    static long nstat(String tag, String name) {
        Matcher m = Pattern.compile("\"TcpExt" + name + "\":(\\d+)").matcher(text(tag + "-nstat.json"));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }
}
