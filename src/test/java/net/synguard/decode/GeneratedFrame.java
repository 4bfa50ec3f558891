package net.synguard.decode;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.synguard.capture.LinkType;

/** A valid frame drawn from a seed, with the field values a decoder must find in it. */
record GeneratedFrame(
        long seed,
        int linkType,
        byte[] bytes,
        int ipVersion,
        byte[] src,
        byte[] dst,
        int ttl,
        int vlanCount,
        int outerVlanId,
        int srcPort,
        int dstPort,
        int seq,
        int ack,
        int flags,
        int window,
        int mss,
        int windowScale,
        boolean sackPermitted,
        boolean timestamps,
        int tsVal,
        int tsEcr,
        int headerLength,
        int payloadLength,
        boolean fragmented) {

    private static final int[] LINK_TYPES = {LinkType.ETHERNET, LinkType.ETHERNET, LinkType.LINUX_SLL, LinkType.RAW};
    private static final int[] TPIDS = {0x8100, 0x88A8, 0x9100};
    private static final int[] WALKABLE = {0, 43, 60, 51, 44};

    static GeneratedFrame from(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int linkType = LINK_TYPES[r.nextInt(LINK_TYPES.length)];
        int ipVersion = r.nextBoolean() ? 4 : 6;
        FrameBuilder b = FrameBuilder.syn().linkType(linkType);
        if (ipVersion == 6) {
            b.ipv6();
        }
        int vlanCount = linkType == LinkType.RAW ? 0 : r.nextInt(3);
        int outerVlanId = -1;
        for (int i = 0; i < vlanCount; i++) {
            int vid = r.nextInt(4096);
            if (i == 0) {
                outerVlanId = vid;
            }
            b.vlan(TPIDS[r.nextInt(TPIDS.length)], (r.nextInt(8) << 13) | vid);
        }
        byte[] src = randomBytes(r, ipVersion == 4 ? 4 : 16);
        byte[] dst = randomBytes(r, ipVersion == 4 ? 4 : 16);
        b.src(src).dst(dst);
        int ttl = r.nextInt(256);
        b.ttl(ttl);
        boolean fragmented = r.nextInt(8) == 0;
        if (ipVersion == 4) {
            int optionWords = r.nextInt(4) == 0 ? r.nextInt(11) : 0;
            byte[] options = new byte[optionWords * 4];
            java.util.Arrays.fill(options, (byte) 1); // NOPs
            b.ipv4Options(options);
            b.fragmentField((r.nextBoolean() ? 0x4000 : 0) | (fragmented ? Ipv4Header.MF : 0));
        } else {
            int extensions = r.nextInt(4);
            boolean fragmentHeaderUsed = false;
            for (int i = 0; i < extensions; i++) {
                int type = WALKABLE[r.nextInt(WALKABLE.length)];
                if (type == 0 && i != 0) {
                    type = 60;
                }
                switch (type) {
                    case 51 -> b.authenticationHeader();
                    case 44 -> {
                        b.fragmentHeader(0, fragmented);
                        fragmentHeaderUsed = true;
                    }
                    default -> b.optionsHeader(type);
                }
            }
            if (fragmented && !fragmentHeaderUsed) {
                b.fragmentHeader(0, true);
            }
        }
        int srcPort = r.nextInt(65_536);
        int dstPort = r.nextInt(65_536);
        int seq = r.nextInt();
        int ack = r.nextInt();
        int flags = r.nextInt(0x200);
        int window = r.nextInt(65_536);
        b.ports(srcPort, dstPort).seq(seq).ack(ack).flags(flags).window(window);
        List<Integer> options = new ArrayList<>();
        int mss = r.nextBoolean() ? r.nextInt(65_536) : -1;
        if (mss >= 0) {
            options.addAll(List.of(2, 4, mss >>> 8, mss & 0xFF));
        }
        boolean sackPermitted = r.nextBoolean();
        if (sackPermitted) {
            options.addAll(List.of(1, 1, 4, 2));
        }
        boolean timestamps = r.nextBoolean();
        int tsVal = r.nextInt();
        int tsEcr = r.nextInt();
        if (timestamps) {
            options.addAll(List.of(1, 1, 8, 10));
            for (int v : new int[] {tsVal, tsEcr}) {
                options.addAll(List.of(v >>> 24, (v >>> 16) & 0xFF, (v >>> 8) & 0xFF, v & 0xFF));
            }
        } else {
            tsVal = 0;
            tsEcr = 0;
        }
        int windowScale = r.nextBoolean() ? r.nextInt(15) : -1;
        if (windowScale >= 0) {
            options.addAll(List.of(1, 3, 3, windowScale));
        }
        b.tcpOptions(options.stream().mapToInt(Integer::intValue).toArray());
        int payloadLength = r.nextInt(4) == 0 ? r.nextInt(200) : 0;
        b.payload(payloadLength);
        if (linkType == LinkType.ETHERNET && r.nextInt(4) == 0) {
            b.trailer(r.nextInt(20));
        }
        int headerLength = 20 + (options.size() + 3) / 4 * 4;
        return new GeneratedFrame(
                seed,
                linkType,
                b.build(),
                ipVersion,
                src,
                dst,
                ttl,
                vlanCount,
                outerVlanId,
                srcPort,
                dstPort,
                seq,
                ack,
                flags,
                window,
                mss,
                windowScale,
                sackPermitted,
                timestamps,
                tsVal,
                tsEcr,
                headerLength,
                payloadLength,
                fragmented);
    }

    private static byte[] randomBytes(SplittableRandom r, int n) {
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
            bytes[i] = (byte) r.nextInt(256);
        }
        return bytes;
    }

    Address srcAddress() {
        return address(src);
    }

    Address dstAddress() {
        return address(dst);
    }

    private static Address address(byte[] a) {
        long hi = 0;
        long lo = 0;
        if (a.length == 4) {
            return Address.ofIpv4(((a[0] & 0xFF) << 24) | ((a[1] & 0xFF) << 16) | ((a[2] & 0xFF) << 8) | (a[3] & 0xFF));
        }
        for (int i = 0; i < 8; i++) {
            hi = (hi << 8) | (a[i] & 0xFF);
            lo = (lo << 8) | (a[i + 8] & 0xFF);
        }
        return new Address(hi, lo);
    }

    @Override
    public String toString() {
        return "GeneratedFrame[seed=" + seed + ", linkType=" + linkType + ", length=" + bytes.length + ", ipv"
                + ipVersion + ", vlans=" + vlanCount + "]";
    }
}
