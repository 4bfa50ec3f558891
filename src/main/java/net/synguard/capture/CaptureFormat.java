package net.synguard.capture;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * What a capture file is, from its first bytes rather than its name: classic pcap with microsecond
 * or nanosecond timestamps in either byte order, or pcapng (whose Section Header Block type reads
 * the same in both orders).
 *
 * <pre>
 *   a1 b2 c3 d4   pcap, microseconds (d4 c3 b2 a1 when written little-endian)
 *   a1 b2 3c 4d   pcap, nanoseconds  (4d 3c b2 a1 little-endian)
 *   0a 0d 0d 0a   pcapng Section Header Block (draft-ietf-opsawg-pcapng, section 4.1)
 * </pre>
 */
public enum CaptureFormat {
    PCAP_MICROS("pcap, microsecond"),
    PCAP_NANOS("pcap, nanosecond"),
    PCAPNG("pcapng");

    private final String description;

    CaptureFormat(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /** Reads the magic number of {@code file}. */
    public static CaptureFormat sniff(Path file) throws CaptureException {
        byte[] head = new byte[4];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, 4);
        } catch (NoSuchFileException e) {
            throw new CaptureException(file + ": no such file");
        } catch (IOException e) {
            throw new CaptureException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (n < 4) {
            throw new CaptureException(
                    file + ": " + n + " bytes: too short for a capture file (expected: 4+ bytes of magic number)");
        }
        int magic = ((head[0] & 0xff) << 24) | ((head[1] & 0xff) << 16) | ((head[2] & 0xff) << 8) | (head[3] & 0xff);
        return switch (magic) {
            case 0xa1b2c3d4, 0xd4c3b2a1 -> PCAP_MICROS;
            case 0xa1b23c4d, 0x4d3cb2a1 -> PCAP_NANOS;
            case 0x0a0d0d0a -> PCAPNG;
            default ->
                throw new CaptureException(String.format(
                        "%s: not a capture file: magic number %08x (expected: a1b2c3d4 or a1b23c4d for pcap,"
                                + " 0a0d0d0a for pcapng, in either byte order)",
                        file, magic));
        };
    }
}
