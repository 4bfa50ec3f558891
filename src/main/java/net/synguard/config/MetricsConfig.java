package net.synguard.config;

import java.util.Objects;

/**
 * Where the metrics and status endpoint listens.
 *
 * @param host an IP address literal in canonical form, without brackets
 * @param port TCP port, 1..65535
 */
public record MetricsConfig(String host, int port) {

    public MetricsConfig {
        Objects.requireNonNull(host, "host");
    }

    /** {@code host:port}, with the host in brackets when it is IPv6. */
    public String listen() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
