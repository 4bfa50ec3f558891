package net.synguard.mitigate;

import java.util.ArrayList;
import java.util.List;
import net.synguard.config.ProtectedService;
import net.synguard.decode.Addresses;

/**
 * One protected address and TCP port as the nftables sets hold it ({@code address . port}), or
 * every port of the address ({@link #ANY_PORT}).
 */
public record NftService(long hi, long lo, int port) {
    public static final int ANY_PORT = -1;

    /**
     * @throws IllegalArgumentException when the address cannot be a server's (see {@link
     *     NftAddresses#acceptable}) or the port is not 1-65535 or {@link #ANY_PORT}
     */
    public NftService {
        if (!NftAddresses.acceptable(hi, lo)) {
            throw new IllegalArgumentException("protected address " + Addresses.format(hi, lo)
                    + " refused (expected a unicast address, not unspecified, loopback, multicast or broadcast)");
        }
        if (port != ANY_PORT && (port < 1 || port > 65535)) {
            throw new IllegalArgumentException("port " + port + " out of range (expected 1-65535, or every port)");
        }
    }

    /** One service per configured port; a service with no ports protects every port. */
    public static List<NftService> of(ProtectedService service) {
        List<NftService> out = new ArrayList<>();
        if (service.ports().isEmpty()) {
            out.add(new NftService(service.addressHi(), service.addressLo(), ANY_PORT));
        }
        for (int port : service.ports()) {
            out.add(new NftService(service.addressHi(), service.addressLo(), port));
        }
        return out;
    }

    public boolean isIpv4() {
        return Addresses.isIpv4(hi, lo);
    }

    /** The set element: {@code 198.51.100.10 . 443}, or the address alone for every port. */
    String element() {
        return port == ANY_PORT ? NftAddresses.format(hi, lo) : NftAddresses.format(hi, lo) + " . " + port;
    }

    @Override
    public String toString() {
        String address = Addresses.format(hi, lo);
        String host = isIpv4() ? address : "[" + address + "]";
        return host + ":" + (port == ANY_PORT ? "*" : Integer.toString(port));
    }
}
