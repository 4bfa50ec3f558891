package net.synguard.mitigate;

/**
 * The Internet checksum of RFC 1071: the ones' complement of the ones' complement sum of 16-bit
 * words. Kept as two steps, an unfolded running {@link #sum} and {@link #finish}, so that the TCP
 * checksum is the pseudo-header's sum carried into the segment's (RFC 9293 section 3.1, RFC 8200
 * section 8.1), and so that a caller who changes one field can update a sum instead of redoing it
 * (RFC 1624). The sums are ints: the frames built here are under 100 bytes, far from overflowing.
 */
final class InternetChecksum {
    private InternetChecksum() {}

    /** Adds the big-endian 16-bit words of {@code [offset, offset + length)} to {@code sum}; an odd last byte is padded with zero. */
    static int sum(byte[] b, int offset, int length, int sum) {
        int end = offset + length;
        int at = offset;
        for (; at + 1 < end; at += 2) {
            sum += ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
        }
        if (at < end) {
            sum += (b[at] & 0xFF) << 8;
        }
        return sum;
    }

    /** Adds the four 16-bit words of a 64-bit value. */
    static int sum(long v, int sum) {
        return sum + (int) (v >>> 48) + ((int) (v >>> 32) & 0xFFFF) + ((int) (v >>> 16) & 0xFFFF) + ((int) v & 0xFFFF);
    }

    /** Adds the two 16-bit words of a 32-bit value. */
    static int sum(int v, int sum) {
        return sum + (v >>> 16) + (v & 0xFFFF);
    }

    /**
     * Folds the carries back in and complements: the value to store in the checksum field. TCP and
     * IPv4 send a computed 0 as 0 (only UDP reserves it, RFC 768).
     */
    static int finish(int sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return ~sum & 0xFFFF;
    }
}
