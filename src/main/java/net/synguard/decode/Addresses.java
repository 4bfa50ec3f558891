package net.synguard.decode;

import com.google.common.net.InetAddresses;
import java.net.InetAddress;

/**
 * Text and prefix helpers for addresses held as two longs (IPv4 as {@code ::ffff:a.b.c.d}, RFC 4291
 * section 2.5.5.2). Formatting and parsing allocate and belong off the hot path; the prefix
 * helpers do not, so per-prefix tables can call them per packet.
 */
public final class Addresses {
    private static final long IPV4_MAPPED_MASK = 0xFFFF_FFFF_0000_0000L;

    private Addresses() {}

    public static boolean isIpv4(long hi, long lo) {
        return hi == TcpSegment.IPV4_MAPPED_HI && (lo & IPV4_MAPPED_MASK) == TcpSegment.IPV4_MAPPED_MARK;
    }

    /** The IPv4 address in the low 32 bits; only meaningful when {@link #isIpv4}. */
    public static int ipv4(long lo) {
        return (int) lo;
    }

    /** Dotted quad for IPv4(-mapped) addresses, else the RFC 5952 text form (lowercase, longest zero run as "::"). */
    public static String format(long hi, long lo) {
        if (isIpv4(hi, lo)) {
            int a = (int) lo;
            return (a >>> 24) + "." + ((a >>> 16) & 0xFF) + "." + ((a >>> 8) & 0xFF) + "." + (a & 0xFF);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 4; i++) {
            groups[i] = (int) (hi >>> (48 - 16 * i)) & 0xFFFF;
            groups[i + 4] = (int) (lo >>> (48 - 16 * i)) & 0xFFFF;
        }
        // RFC 5952 section 4.2: compress the longest run of two or more zero groups, the first
        // one on a tie; a single zero group stays "0".
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder text = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }

    public static String format(Address address) {
        return format(address.hi(), address.lo());
    }

    /**
     * Parses an IPv4 dotted quad or an IPv6 literal, with no DNS lookup. IPv4-mapped IPv6 literals
     * come out the same as the IPv4 address they map.
     *
     * @throws IllegalArgumentException when {@code text} is not an address literal
     */
    public static Address parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty address (expected an IPv4 or IPv6 literal)");
        }
        String trimmed = text.strip();
        if (trimmed.indexOf('%') >= 0) {
            throw new IllegalArgumentException(
                    "address '" + text + "' has a zone index (expected an address without '%zone')");
        }
        InetAddress address;
        try {
            address = InetAddresses.forString(trimmed);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not an IP address (expected e.g. 192.0.2.10 or 2001:db8::10)", e);
        }
        byte[] bytes = address.getAddress();
        if (bytes.length == 4) {
            return Address.ofIpv4(((bytes[0] & 0xFF) << 24)
                    | ((bytes[1] & 0xFF) << 16)
                    | ((bytes[2] & 0xFF) << 8)
                    | (bytes[3] & 0xFF));
        }
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 8; i++) {
            hi = (hi << 8) | (bytes[i] & 0xFF);
            lo = (lo << 8) | (bytes[i + 8] & 0xFF);
        }
        return new Address(hi, lo);
    }

    /**
     * High word of the prefix of {@code (hi, lo)}: the first {@code ipv4Bits} bits of an IPv4
     * address, else the first {@code ipv6Bits}. With {@link #prefixLo} this keys per-prefix state
     * without allocating.
     *
     * @throws IllegalArgumentException when a length is out of range (config validation catches it first)
     */
    public static long prefixHi(long hi, long lo, int ipv4Bits, int ipv6Bits) {
        checkBits(ipv4Bits, ipv6Bits);
        if (isIpv4(hi, lo)) {
            return hi;
        }
        return hi & highMask(ipv6Bits);
    }

    /** Low word of the prefix; see {@link #prefixHi}. IPv4 prefixes keep their {@code ::ffff:} mark. */
    public static long prefixLo(long hi, long lo, int ipv4Bits, int ipv6Bits) {
        checkBits(ipv4Bits, ipv6Bits);
        if (isIpv4(hi, lo)) {
            return TcpSegment.IPV4_MAPPED_MARK | (lo & 0xFFFF_FFFFL & highMask(32 + ipv4Bits));
        }
        return ipv6Bits <= 64 ? 0 : lo & highMask(ipv6Bits - 64);
    }

    /** A mask of the top {@code bits} (0..64) bits of a long. */
    private static long highMask(int bits) {
        return bits >= 64 ? -1L : bits <= 0 ? 0L : -1L << (64 - bits);
    }

    private static void checkBits(int ipv4Bits, int ipv6Bits) {
        if (ipv4Bits < 0 || ipv4Bits > 32 || ipv6Bits < 0 || ipv6Bits > 128) {
            throw new IllegalArgumentException("prefix lengths /" + ipv4Bits + " and /" + ipv6Bits
                    + " out of range (expected 0-32 for IPv4 and 0-128 for IPv6)");
        }
    }
}
