package net.synguard.mitigate;

import net.synguard.decode.Addresses;

/**
 * Which addresses may go into an nft command. The daemon formats every address itself ({@link
 * Addresses#format}: only hex digits, dots and colons), so nothing from a packet reaches nft as
 * text; this also refuses addresses that no SYN source or protected server can have, so a decoding
 * slip cannot block or verify the unspecified address, loopback, multicast or broadcast.
 */
final class NftAddresses {
    private NftAddresses() {}

    static boolean acceptable(long hi, long lo) {
        if (Addresses.isIpv4(hi, lo)) {
            int a = Addresses.ipv4(lo);
            int first = a >>> 24;
            return first != 0 // 0.0.0.0/8, "this network" (RFC 1122 3.2.1.3)
                    && first != 127 // loopback
                    && (first & 0xF0) != 0xE0 // 224.0.0.0/4 multicast
                    && a != -1; // 255.255.255.255 limited broadcast
        }
        if (hi == 0 && (lo == 0 || lo == 1)) {
            return false; // :: unspecified, ::1 loopback (RFC 4291 2.5.2, 2.5.3)
        }
        return (hi >>> 56) != 0xFF; // ff00::/8 multicast
    }

    /**
     * The text of an acceptable address, checked once more to hold only the characters {@link
     * Addresses#format} produces: a second guard before it is written into an nft command line.
     */
    static String format(long hi, long lo) {
        String text = Addresses.format(hi, lo);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '.' || c == ':';
            if (!ok) {
                throw new IllegalStateException("address text '" + text + "' has '" + c + "' (expected hex, '.', ':')");
            }
        }
        return text;
    }
}
