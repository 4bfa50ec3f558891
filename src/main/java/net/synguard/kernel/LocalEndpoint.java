package net.synguard.kernel;

import java.util.Comparator;
import net.synguard.decode.Address;
import net.synguard.decode.Addresses;

/** A local address and port as the socket tables list them; IPv4 as IPv4-mapped IPv6. */
public record LocalEndpoint(long hi, long lo, int port) implements Comparable<LocalEndpoint> {
    private static final Comparator<LocalEndpoint> ORDER = Comparator.comparingInt(LocalEndpoint::port)
            .thenComparing(LocalEndpoint::hi, Long::compareUnsigned)
            .thenComparing(LocalEndpoint::lo, Long::compareUnsigned);

    public LocalEndpoint {
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port " + port + " out of range (expected 0-65535)");
        }
    }

    public Address address() {
        return new Address(hi, lo);
    }

    /** By port, then address: how an operator scans a list of services. */
    @Override
    public int compareTo(LocalEndpoint other) {
        return ORDER.compare(this, other);
    }

    /** {@code 127.0.0.1:8080} or {@code [::1]:8080}, as ss prints them. */
    @Override
    public String toString() {
        String address = Addresses.format(hi, lo);
        return (Addresses.isIpv4(hi, lo) ? address : "[" + address + "]") + ":" + port;
    }
}
