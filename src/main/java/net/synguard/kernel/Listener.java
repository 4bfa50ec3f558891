package net.synguard.kernel;

/**
 * A socket in LISTEN. {@code acceptQueue} is the rx_queue column, which for a listener is
 * sk_ack_backlog: connections whose handshake completed and that wait for accept()
 * (net/ipv4/tcp_ipv4.c, get_tcp4_sock; ss shows it as Recv-Q). The queue's limit is not in the
 * file; ss gets it (Send-Q) over inet_diag.
 */
public record Listener(LocalEndpoint local, int acceptQueue) {
    public Listener {
        if (acceptQueue < 0) {
            throw new IllegalArgumentException("accept queue " + acceptQueue + " (expected >= 0)");
        }
    }

    public int port() {
        return local.port();
    }
}
