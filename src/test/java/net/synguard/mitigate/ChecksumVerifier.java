package net.synguard.mitigate;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Checks the IP and TCP checksums of a built frame without the builder's code: it finds the
 * headers from the bytes alone and lays the pseudo-header out as bytes, as RFC 9293 section 3.1
 * and RFC 8200 section 8.1 draw it. A correct checksum makes the ones' complement sum over the
 * covered bytes, checksum included, 0xFFFF.
 */
final class ChecksumVerifier {
    private ChecksumVerifier() {}

    /** The ones' complement sum (RFC 1071) of {@code bytes}, folded to 16 bits. */
    static int onesComplementSum(byte[] bytes) {
        long sum = 0;
        for (int i = 0; i < bytes.length; i += 2) {
            int hi = bytes[i] & 0xFF;
            int lo = i + 1 < bytes.length ? bytes[i + 1] & 0xFF : 0;
            sum += hi * 256L + lo;
        }
        while (sum > 0xFFFF) {
            sum = (sum % 65_536) + (sum / 65_536);
        }
        return (int) sum;
    }

    static int ipOffset(byte[] frame) {
        int at = 12;
        while (true) {
            int type = u16(frame, at);
            if (type != 0x8100 && type != 0x88A8 && type != 0x9100) {
                return at + 2;
            }
            at += 4;
        }
    }

    /** IPv4 header checksum holds (true for IPv6, which has none). */
    static boolean ipHeaderVerifies(byte[] frame, int length) {
        int ip = ipOffset(frame);
        if ((frame[ip] & 0xF0) == 0x60) {
            return true;
        }
        int headerLength = (frame[ip] & 0x0F) * 4;
        return onesComplementSum(Arrays.copyOfRange(frame, ip, ip + headerLength)) == 0xFFFF;
    }

    static boolean tcpVerifies(byte[] frame, int length) {
        int ip = ipOffset(frame);
        ByteArrayOutputStream covered = new ByteArrayOutputStream();
        int tcp;
        int tcpLength;
        if ((frame[ip] & 0xF0) == 0x40) {
            int headerLength = (frame[ip] & 0x0F) * 4;
            tcp = ip + headerLength;
            tcpLength = u16(frame, ip + 2) - headerLength;
            covered.write(frame, ip + 12, 8); // source, destination
            covered.write(0);
            covered.write(frame[ip + 9]); // protocol
            covered.write(tcpLength >>> 8);
            covered.write(tcpLength);
        } else {
            tcp = ip + 40;
            tcpLength = u16(frame, ip + 4);
            covered.write(frame, ip + 8, 32); // source, destination
            covered.writeBytes(new byte[] {0, 0, (byte) (tcpLength >>> 8), (byte) tcpLength, 0, 0, 0});
            covered.write(frame[ip + 6]); // next header
        }
        if (tcp + tcpLength != length) {
            return false;
        }
        covered.write(frame, tcp, tcpLength);
        return onesComplementSum(covered.toByteArray()) == 0xFFFF;
    }

    static boolean verifies(byte[] frame, int length) {
        return ipHeaderVerifies(frame, length) && tcpVerifies(frame, length);
    }

    private static int u16(byte[] b, int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }
}
