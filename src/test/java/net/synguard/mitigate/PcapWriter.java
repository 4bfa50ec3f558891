package net.synguard.mitigate;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the classic libpcap file format (pcap-savefile(5)): a 24-byte global header, then per
 * frame a 16-byte record header and the bytes. Little-endian, microsecond timestamps, Ethernet.
 */
final class PcapWriter implements AutoCloseable {
    private static final int MAGIC_MICROSECONDS = 0xA1B2_C3D4;
    private static final int SNAP_LENGTH = 65_535;

    private final OutputStream out;
    private int frames;

    PcapWriter(Path file, int linkType) throws IOException {
        out = Files.newOutputStream(file);
        ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(MAGIC_MICROSECONDS);
        header.putShort((short) 2); // version 2.4
        header.putShort((short) 4);
        header.putInt(0); // thiszone: UTC
        header.putInt(0); // sigfigs
        header.putInt(SNAP_LENGTH);
        header.putInt(linkType);
        out.write(header.array());
    }

    /** Appends one frame, time-stamped one millisecond after the previous one. */
    void write(byte[] frame, int length) throws IOException {
        long micros = 1_700_000_000_000_000L + 1_000L * frames++;
        ByteBuffer record = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        record.putInt((int) (micros / 1_000_000));
        record.putInt((int) (micros % 1_000_000));
        record.putInt(length); // captured
        record.putInt(length); // on the wire
        out.write(record.array());
        out.write(frame, 0, length);
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
