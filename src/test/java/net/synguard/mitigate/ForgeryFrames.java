package net.synguard.mitigate;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * A cookie-forgery flood (issue 6, item 1): Ethernet/IPv4 frames to {@link #SERVER}:80, each a
 * pure ACK or a pure RST (alternately) from a random source in 198.19.0.0/16, with a random source
 * port and random sequence and acknowledgment numbers; valid IPv4 and TCP checksums. Frame {@code
 * i} of a seed is always the same bytes, and {@link #writePcap} writes them as a nanosecond pcap
 * (pcap-savefile(5)) straight from one reused buffer: 10 million frames in a few seconds.
 */
final class ForgeryFrames {
    static final int SERVER = 0xC612_0001; // 198.18.0.1
    static final int SERVER_PORT = 80;
    static final int SPOOF_NET = 0xC613_0000; // 198.19.0.0/16
    static final int FRAME_LENGTH = 54;
    private static final int IP = 14;
    private static final int TCP = 34;

    private final SplittableRandom random;
    private final byte[] frame = new byte[FRAME_LENGTH];
    private long index;

    ForgeryFrames(long seed) {
        this.random = new SplittableRandom(seed);
        NetworkOrder.put48(frame, 0, 0x0200_0000_0001L); // to the server's MAC
        NetworkOrder.put48(frame, 6, 0x0200_0000_0002L); // from the attacker's
        NetworkOrder.put16(frame, 12, 0x0800);
        frame[IP] = 0x45;
        NetworkOrder.put16(frame, IP + 2, 40);
        frame[IP + 8] = 64; // TTL
        frame[IP + 9] = 6; // TCP
        NetworkOrder.put32(frame, IP + 16, SERVER);
        NetworkOrder.put16(frame, TCP + 2, SERVER_PORT);
        frame[TCP + 12] = 0x50; // data offset 5
        NetworkOrder.put16(frame, TCP + 14, 64_240);
    }

    /** The next frame, in a buffer this object reuses. */
    byte[] next() {
        boolean rst = (index++ & 1) == 1;
        int source = SPOOF_NET | random.nextInt(1 << 16);
        NetworkOrder.put16(frame, IP + 4, (int) index); // IP id
        NetworkOrder.put32(frame, IP + 12, source);
        NetworkOrder.put16(frame, TCP, 1024 + random.nextInt(65_536 - 1024));
        NetworkOrder.put32(frame, TCP + 4, random.nextInt());
        // An RST from a SYN-SENT stack has no ACK bit (RFC 9293 3.10.7.3): its ack field is 0.
        NetworkOrder.put32(frame, TCP + 8, rst ? 0 : random.nextInt());
        frame[TCP + 13] = (byte) (rst ? 0x04 : 0x10);
        NetworkOrder.put16(frame, IP + 10, 0);
        NetworkOrder.put16(frame, IP + 10, InternetChecksum.finish(InternetChecksum.sum(frame, IP, 20, 0)));
        NetworkOrder.put16(frame, TCP + 16, 0);
        int sum = InternetChecksum.sum(frame, IP + 12, 8, 0); // pseudo-header: addresses,
        sum = InternetChecksum.sum(6 + 20, sum); // protocol + TCP length
        sum = InternetChecksum.sum(frame, TCP, 20, sum);
        NetworkOrder.put16(frame, TCP + 16, InternetChecksum.finish(sum));
        return frame;
    }

    /** Whether frame {@code i} (0-based) is an RST (else an ACK). */
    static boolean isRst(long i) {
        return (i & 1) == 1;
    }

    /**
     * Writes {@code count} frames to {@code file}, one every {@code gapNs} from {@code startNs}:
     * 70 bytes a frame (16 of record header).
     */
    static void writePcap(Path file, long count, long seed, long startNs, long gapNs) throws IOException {
        ForgeryFrames frames = new ForgeryFrames(seed);
        byte[] record = new byte[16 + FRAME_LENGTH];
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            byte[] header = new byte[24];
            putLe32(header, 0, 0xA1B2_3C4D); // nanosecond timestamps
            putLe16(header, 4, 2);
            putLe16(header, 6, 4);
            putLe32(header, 16, 65_535);
            putLe32(header, 20, 1); // DLT_EN10MB
            out.write(header);
            for (long i = 0; i < count; i++) {
                long t = startNs + i * gapNs;
                putLe32(record, 0, (int) (t / 1_000_000_000L));
                putLe32(record, 4, (int) (t % 1_000_000_000L));
                putLe32(record, 8, FRAME_LENGTH);
                putLe32(record, 12, FRAME_LENGTH);
                System.arraycopy(frames.next(), 0, record, 16, FRAME_LENGTH);
                out.write(record);
            }
        }
    }

    private static void putLe32(byte[] b, int at, int v) {
        putLe16(b, at, v);
        putLe16(b, at + 2, v >>> 16);
    }

    private static void putLe16(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
    }

    /** {@code ForgeryFrames FILE COUNT [SEED]}: writes the flood for tests/bench/forgery.sh. */
    static void main(String[] args) throws IOException {
        long count = Long.parseLong(args[1]);
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 1;
        writePcap(Path.of(args[0]), count, seed, 1_700_000_000_000_000_000L, 1_000);
        System.out.println("wrote " + count + " frames to " + args[0]);
    }
}
