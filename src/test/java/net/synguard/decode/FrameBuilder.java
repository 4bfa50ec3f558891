package net.synguard.decode;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import net.synguard.capture.LinkType;

/** Builds test frames byte by byte: link header, optional tags, IPv4 or IPv6 (+ extension headers), TCP. */
public final class FrameBuilder {
    private int linkType = LinkType.ETHERNET;
    private final List<int[]> vlanTags = new ArrayList<>(); // {tpid, vid}
    private Integer etherType;

    private int ipVersion = 4;
    private byte[] src = {(byte) 198, 51, 100, 7};
    private byte[] dst = {(byte) 192, 0, 2, 10};
    private int ttl = 64;
    private byte[] ipv4Options = {};
    private int ihlOverride = -1;
    private int fragmentField;
    private int totalLengthOverride = -1;
    private int protocol = 6;
    private final List<byte[]> extensionHeaders = new ArrayList<>();
    private final List<Integer> extensionTypes = new ArrayList<>();
    private int payloadLengthOverride = -1;
    private int versionOverride = -1;

    private int srcPort = 40_000;
    private int dstPort = 80;
    private int seq = 0x1234_5678;
    private int ack;
    private int flags = TcpSegment.SYN;
    private int window = 64_240;
    private byte[] tcpOptions = {};
    private int dataOffsetOverride = -1;
    private byte[] payload = {};
    private int trailer;

    public static FrameBuilder syn() {
        return new FrameBuilder();
    }

    public FrameBuilder linkType(int type) {
        this.linkType = type;
        return this;
    }

    public FrameBuilder vlan(int tpid, int vid) {
        vlanTags.add(new int[] {tpid, vid});
        return this;
    }

    public FrameBuilder etherType(int type) {
        this.etherType = type;
        return this;
    }

    public FrameBuilder ipv6() {
        ipVersion = 6;
        src = bytes("20010db8000000000000000000000007");
        dst = bytes("20010db800000000000000000000000a");
        return this;
    }

    public FrameBuilder src(byte[] address) {
        src = address.clone();
        return this;
    }

    public FrameBuilder dst(byte[] address) {
        dst = address.clone();
        return this;
    }

    public FrameBuilder ttl(int value) {
        ttl = value;
        return this;
    }

    public FrameBuilder ipv4Options(byte[] options) {
        ipv4Options = options.clone();
        return this;
    }

    public FrameBuilder ihl(int words) {
        ihlOverride = words;
        return this;
    }

    public FrameBuilder ipVersionNibble(int version) {
        versionOverride = version;
        return this;
    }

    /** The IPv4 flags/fragment-offset field as a whole: 0x2000 = MF, low 13 bits = offset in 8-byte units. */
    public FrameBuilder fragmentField(int value) {
        fragmentField = value;
        return this;
    }

    public FrameBuilder totalLength(int value) {
        totalLengthOverride = value;
        return this;
    }

    public FrameBuilder payloadLength(int value) {
        payloadLengthOverride = value;
        return this;
    }

    public FrameBuilder protocol(int value) {
        protocol = value;
        return this;
    }

    /** An extension header; its first byte (next header) is filled in at build time. */
    public FrameBuilder extension(int type, byte[] header) {
        extensionTypes.add(type);
        extensionHeaders.add(header.clone());
        return this;
    }

    /** An 8-byte Hop-by-Hop, Destination Options or Routing header (Hdr Ext Len 0, PadN). */
    public FrameBuilder optionsHeader(int type) {
        return extension(type, new byte[] {0, 0, 1, 4, 0, 0, 0, 0});
    }

    public FrameBuilder fragmentHeader(int offsetUnits, boolean more) {
        int field = (offsetUnits << 3) | (more ? 1 : 0);
        return extension(44, new byte[] {0, 0, (byte) (field >>> 8), (byte) field, 0, 0, 0x12, 0x34});
    }

    /** AH with a 12-byte ICV: Payload Len 4 means (4 + 2) * 4 = 24 bytes. */
    public FrameBuilder authenticationHeader() {
        byte[] ah = new byte[24];
        ah[1] = 4;
        return extension(51, ah);
    }

    public FrameBuilder ports(int source, int destination) {
        srcPort = source;
        dstPort = destination;
        return this;
    }

    public FrameBuilder seq(int value) {
        seq = value;
        return this;
    }

    public FrameBuilder ack(int value) {
        ack = value;
        return this;
    }

    public FrameBuilder flags(int value) {
        flags = value;
        return this;
    }

    public FrameBuilder window(int value) {
        window = value;
        return this;
    }

    /** Raw option bytes; padded with EOL to a multiple of 4. */
    public FrameBuilder tcpOptions(int... options) {
        tcpOptions = new byte[options.length];
        for (int i = 0; i < options.length; i++) {
            tcpOptions[i] = (byte) options[i];
        }
        return this;
    }

    public FrameBuilder dataOffset(int words) {
        dataOffsetOverride = words;
        return this;
    }

    public FrameBuilder payload(int length) {
        payload = new byte[length];
        return this;
    }

    /** Bytes after the IP datagram, like Ethernet padding of short frames. */
    public FrameBuilder trailer(int length) {
        trailer = length;
        return this;
    }

    public byte[] build() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int type = etherType != null ? etherType : ipVersion == 4 ? 0x0800 : 0x86DD;
        switch (linkType) {
            case LinkType.ETHERNET -> {
                out.writeBytes(bytes("020000000001020000000002"));
                for (int[] tag : vlanTags) {
                    u16(out, tag[0]);
                    u16(out, tag[1]);
                }
                u16(out, type);
            }
            case LinkType.LINUX_SLL -> {
                out.writeBytes(bytes("00000001000602000000000200000000"));
                byte[] header = out.toByteArray();
                out.reset();
                out.write(header, 0, 14);
                for (int[] tag : vlanTags) {
                    u16(out, tag[0]);
                    u16(out, tag[1]);
                }
                u16(out, type);
            }
            default -> {
                // raw IP: no link header
            }
        }
        byte[] tcp = tcp();
        out.writeBytes(ipVersion == 4 ? ipv4(tcp.length + payload.length) : ipv6(tcp.length + payload.length));
        out.writeBytes(tcp);
        out.writeBytes(payload);
        out.writeBytes(new byte[trailer]);
        return out.toByteArray();
    }

    private byte[] tcp() {
        int optionLength = (tcpOptions.length + 3) / 4 * 4;
        byte[] h = new byte[20 + optionLength];
        put16(h, 0, srcPort);
        put16(h, 2, dstPort);
        put32(h, 4, seq);
        put32(h, 8, ack);
        int words = dataOffsetOverride >= 0 ? dataOffsetOverride : h.length / 4;
        h[12] = (byte) ((words << 4) | ((flags >>> 8) & 1));
        h[13] = (byte) flags;
        put16(h, 14, window);
        System.arraycopy(tcpOptions, 0, h, 20, tcpOptions.length);
        return h;
    }

    private byte[] ipv4(int l4Length) {
        int optionLength = (ipv4Options.length + 3) / 4 * 4;
        byte[] h = new byte[20 + optionLength];
        int ihl = ihlOverride >= 0 ? ihlOverride : h.length / 4;
        h[0] = (byte) (((versionOverride >= 0 ? versionOverride : 4) << 4) | ihl);
        put16(h, 2, totalLengthOverride >= 0 ? totalLengthOverride : h.length + l4Length);
        put16(h, 4, 0x4242);
        put16(h, 6, fragmentField);
        h[8] = (byte) ttl;
        h[9] = (byte) protocol;
        System.arraycopy(src, 0, h, 12, 4);
        System.arraycopy(dst, 0, h, 16, 4);
        System.arraycopy(ipv4Options, 0, h, 20, ipv4Options.length);
        return h;
    }

    private byte[] ipv6(int l4Length) {
        ByteArrayOutputStream ext = new ByteArrayOutputStream();
        for (int i = 0; i < extensionHeaders.size(); i++) {
            byte[] header = extensionHeaders.get(i);
            header[0] = (byte) (i + 1 < extensionTypes.size() ? extensionTypes.get(i + 1) : protocol);
            ext.writeBytes(header);
        }
        byte[] h = new byte[40];
        h[0] = (byte) ((versionOverride >= 0 ? versionOverride : 6) << 4);
        put16(h, 4, payloadLengthOverride >= 0 ? payloadLengthOverride : ext.size() + l4Length);
        h[6] = (byte) (extensionTypes.isEmpty() ? protocol : extensionTypes.get(0));
        h[7] = (byte) ttl;
        System.arraycopy(src, 0, h, 8, 16);
        System.arraycopy(dst, 0, h, 24, 16);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(h);
        all.writeBytes(ext.toByteArray());
        return all.toByteArray();
    }

    public static byte[] bytes(String hex) {
        byte[] b = new byte[hex.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }

    private static void u16(ByteArrayOutputStream out, int v) {
        out.write(v >>> 8);
        out.write(v);
    }

    private static void put16(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 8);
        b[at + 1] = (byte) v;
    }

    private static void put32(byte[] b, int at, int v) {
        put16(b, at, v >>> 16);
        put16(b, at + 2, v);
    }
}
