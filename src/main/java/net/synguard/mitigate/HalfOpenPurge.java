package net.synguard.mitigate;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.synguard.decode.Addresses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Destroys the kernel's half-open (SYN_RECV) entries of a protected service when its mitigation
 * starts: in mode auto the flood's first tenth of a second reached the kernel before it was
 * detected, and with {@code tcp_syncookies=0} those entries would hold the SYN queue full for the
 * minute their SYN-ACK retries last, whatever the table drops from then on.
 */
final class HalfOpenPurge {
    private static final Logger LOG = LoggerFactory.getLogger(HalfOpenPurge.class);

    private HalfOpenPurge() {}

    /**
     * Destroys the kernel's SYN_RECV entries of {@code s} ({@code ss -K}, SOCK_DESTROY: needs
     * CAP_NET_ADMIN and a kernel with CONFIG_INET_DIAG_DESTROY). Returns how many went; 0 when ss
     * could not do it (said in the log).
     */
    static int purge(NftService s) {
        String address = s.isIpv4() ? Addresses.format(s.hi(), s.lo()) : "[" + Addresses.format(s.hi(), s.lo()) + "]";
        String filter = s.port() == NftService.ANY_PORT ? address : address + ":" + s.port();
        List<String> cmd = List.of("ss", "-K", "-t", "-n", "-H", "state", "syn-recv", "src", filter);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                LOG.warn("purge of half-open connections to {}: ss did not finish in 5 s", s);
                return 0;
            }
            if (p.exitValue() != 0) {
                LOG.warn("purge of half-open connections to {}: ss failed ({}): {}", s, p.exitValue(), out.strip());
                return 0;
            }
            return (int) out.lines().filter(l -> !l.isBlank()).count();
        } catch (IOException e) {
            LOG.warn("purge of half-open connections to {}: cannot run ss: {}", s, e.getMessage());
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }
}
