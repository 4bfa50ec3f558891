package net.synguard.config;

import java.util.List;
import java.util.Objects;

/**
 * One server to watch and defend: an address and the TCP ports on it (empty: every port).
 *
 * <p>The address is also kept as 128 bits in two longs so the packet path compares primitives:
 * IPv6 as its 16 bytes big-endian ({@code addressHi} the first 8), IPv4 as the IPv4-mapped IPv6
 * address {@code ::ffff:a.b.c.d} (RFC 4291 section 2.5.5.2), i.e. {@code hi = 0} and {@code lo =
 * 0x0000FFFF_00000000L | ipv4}.
 *
 * @param address the address in canonical text form ({@code 192.0.2.10}, {@code 2001:db8::10})
 */
public record ProtectedService(String address, long addressHi, long addressLo, List<Integer> ports) {

    public ProtectedService {
        Objects.requireNonNull(address, "address");
        ports = List.copyOf(ports);
    }

    /** Whether {@code port} is one of this service's ports; every port when none are listed. */
    public boolean coversPort(int port) {
        if (ports.isEmpty()) {
            return true;
        }
        // Indexed loop with unboxing: no Integer is created for the lookup.
        for (int i = 0; i < ports.size(); i++) {
            if (ports.get(i) == port) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code address} is an IPv4 address (stored IPv4-mapped). */
    public boolean isIpv4() {
        return addressHi == 0 && (addressLo >>> 32) == 0xFFFFL;
    }
}
