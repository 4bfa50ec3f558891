package net.synguard.decode;

/**
 * A 128-bit address as {@link TcpSegment} carries it: IPv4 as IPv4-mapped IPv6. For config,
 * summaries and tests; the hot path passes the two longs around instead.
 */
public record Address(long hi, long lo) {

    public static Address ofIpv4(int address) {
        return new Address(TcpSegment.IPV4_MAPPED_HI, TcpSegment.IPV4_MAPPED_MARK | (address & 0xFFFF_FFFFL));
    }

    /** Parses a literal; see {@link Addresses#parse}. */
    public static Address parse(String text) {
        return Addresses.parse(text);
    }

    public boolean isIpv4() {
        return Addresses.isIpv4(hi, lo);
    }

    @Override
    public String toString() {
        return Addresses.format(hi, lo);
    }
}
