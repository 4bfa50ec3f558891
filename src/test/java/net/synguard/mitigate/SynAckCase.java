package net.synguard.mitigate;

import java.util.SplittableRandom;
import net.synguard.decode.FrameBuilder;
import net.synguard.decode.TcpSegment;

/**
 * An answerable SYN (or, for RSTs, an ACK) drawn from a seed, with the numbers to answer it with.
 * Addresses are drawn from ordinary unicast space (IPv4 1-223 minus 127 in the first octet, IPv6
 * 2000::/3) so that every case is answerable.
 */
record SynAckCase(
        long seed,
        byte[] frame,
        boolean ipv6,
        int vlans,
        int seq,
        int ack,
        int window,
        int mss,
        boolean timestamps,
        boolean synOffersTimestamps,
        int tsVal,
        int synTsVal,
        int clientSeq) {
    private static final int[] TPIDS = {0x8100, 0x88A8, 0x9100};

    static SynAckCase from(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        boolean ipv6 = r.nextBoolean();
        FrameBuilder b = FrameBuilder.syn();
        byte[] src;
        byte[] dst;
        if (ipv6) {
            b.ipv6();
            src = globalUnicast6(r);
            do {
                dst = globalUnicast6(r);
            } while (java.util.Arrays.equals(src, dst));
            if (r.nextInt(4) == 0) {
                b.optionsHeader(0);
            }
        } else {
            src = unicast4(r);
            do {
                dst = unicast4(r);
            } while (java.util.Arrays.equals(src, dst));
        }
        b.src(src).dst(dst).ttl(r.nextInt(256));
        int vlans = r.nextInt(3);
        for (int i = 0; i < vlans; i++) {
            b.vlan(TPIDS[r.nextInt(TPIDS.length)], r.nextInt(65_536));
        }
        int clientSeq = r.nextInt();
        b.ports(1 + r.nextInt(65_535), 1 + r.nextInt(65_535)).seq(clientSeq).window(r.nextInt(65_536));
        boolean synOffersTimestamps = r.nextBoolean();
        int synTsVal = r.nextInt();
        if (synOffersTimestamps) {
            b.tcpOptions(
                    2,
                    4,
                    5,
                    0xB4,
                    4,
                    2,
                    8,
                    10,
                    synTsVal >>> 24,
                    (synTsVal >>> 16) & 0xFF,
                    (synTsVal >>> 8) & 0xFF,
                    synTsVal & 0xFF,
                    0,
                    0,
                    0,
                    0,
                    1,
                    3,
                    3,
                    7);
        } else if (r.nextBoolean()) {
            b.tcpOptions(2, 4, 5, 0xB4);
        }
        if (r.nextInt(8) == 0) {
            b.flags(TcpSegment.SYN | TcpSegment.ECE | TcpSegment.CWR);
        }
        return new SynAckCase(
                seed,
                b.build(),
                ipv6,
                vlans,
                r.nextInt(),
                r.nextInt(),
                r.nextInt(65_536),
                1 + r.nextInt(65_535),
                r.nextBoolean(),
                synOffersTimestamps,
                r.nextInt(),
                synTsVal,
                clientSeq);
    }

    private static byte[] unicast4(SplittableRandom r) {
        int first;
        do {
            first = 1 + r.nextInt(223);
        } while (first == 127);
        return new byte[] {(byte) first, (byte) r.nextInt(256), (byte) r.nextInt(256), (byte) r.nextInt(256)};
    }

    private static byte[] globalUnicast6(SplittableRandom r) {
        byte[] a = new byte[16];
        r.nextBytes(a);
        a[0] = (byte) (0x20 | (a[0] & 0x1F));
        return a;
    }

    @Override
    public String toString() {
        return "SynAckCase[seed=" + seed + " ipv6=" + ipv6 + " vlans=" + vlans + " mss=" + mss + " timestamps="
                + timestamps + "/" + synOffersTimestamps + "]";
    }
}
