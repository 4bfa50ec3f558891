package net.synguard.decode;

/**
 * The fields of one decoded TCP segment, filled in place by {@link FrameDecoder} and reused for the
 * next frame: nothing here is allocated per packet.
 *
 * <p>Addresses are 128-bit values in two longs, IPv4 as IPv4-mapped IPv6 ({@code ::ffff:a.b.c.d},
 * RFC 4291 section 2.5.5.2), so every table keys IPv4 and IPv6 flows the same way. Sequence and
 * acknowledgment numbers are the raw 32-bit values in an int; compare them with modular arithmetic.
 */
public final class TcpSegment {
    /** High word of an IPv4-mapped address. */
    public static final long IPV4_MAPPED_HI = 0L;
    /** The {@code ::ffff:0:0/96} marker in the low word of an IPv4-mapped address. */
    public static final long IPV4_MAPPED_MARK = 0x0000_FFFF_0000_0000L;

    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    public static final int ECE = 0x40;
    public static final int CWR = 0x80;
    /** RFC 3540's nonce-sum bit, the low bit of the byte before the flags. */
    public static final int NS = 0x100;

    int ipVersion;
    long srcHi;
    long srcLo;
    long dstHi;
    long dstLo;
    int ttl;
    boolean fragmented;
    int vlanCount;
    int outerVlanId;
    int l3Offset;
    int l4Offset;

    int srcPort;
    int dstPort;
    int seq;
    int ack;
    int flags;
    int window;
    int headerLength;
    int payloadLength;

    int mss;
    int windowScale;
    boolean sackPermitted;
    boolean hasTimestamps;
    int tsVal;
    int tsEcr;
    boolean optionsMalformed;

    /** Clears every field; the decoder calls this before it fills a new frame in. */
    void reset() {
        ipVersion = 0;
        srcHi = srcLo = dstHi = dstLo = 0;
        ttl = 0;
        fragmented = false;
        vlanCount = 0;
        outerVlanId = -1;
        l3Offset = l4Offset = 0;
        srcPort = dstPort = 0;
        seq = ack = 0;
        flags = 0;
        window = 0;
        headerLength = payloadLength = 0;
        mss = -1;
        windowScale = -1;
        sackPermitted = false;
        hasTimestamps = false;
        tsVal = tsEcr = 0;
        optionsMalformed = false;
    }

    /** 4 or 6. */
    public int ipVersion() {
        return ipVersion;
    }

    public long srcHi() {
        return srcHi;
    }

    public long srcLo() {
        return srcLo;
    }

    public long dstHi() {
        return dstHi;
    }

    public long dstLo() {
        return dstLo;
    }

    /** IPv4 TTL or IPv6 hop limit. */
    public int ttl() {
        return ttl;
    }

    /** The first fragment of a fragmented IPv4 datagram (its TCP header was complete). */
    public boolean fragmented() {
        return fragmented;
    }

    /** 802.1Q tags before the IP header: 0, 1, or 2 for QinQ. */
    public int vlanCount() {
        return vlanCount;
    }

    /** The outermost VLAN ID, or -1 when untagged. */
    public int outerVlanId() {
        return outerVlanId;
    }

    /** Offset of the IP header in the frame. */
    public int l3Offset() {
        return l3Offset;
    }

    /** Offset of the TCP header in the frame. */
    public int l4Offset() {
        return l4Offset;
    }

    public int srcPort() {
        return srcPort;
    }

    public int dstPort() {
        return dstPort;
    }

    /** Sequence number, raw 32 bits. */
    public int seq() {
        return seq;
    }

    /** Acknowledgment number, raw 32 bits (meaningful when ACK is set). */
    public int ack() {
        return ack;
    }

    /** The flag bits: {@link #SYN}, {@link #ACK}, ... and {@link #NS}. */
    public int flags() {
        return flags;
    }

    public int window() {
        return window;
    }

    /** TCP header length in bytes, options included. */
    public int headerLength() {
        return headerLength;
    }

    /** Payload bytes as the IP header states them (may exceed what was captured). */
    public int payloadLength() {
        return payloadLength;
    }

    /** MSS option value, or -1 when absent. */
    public int mss() {
        return mss;
    }

    /** Window scale shift count, or -1 when absent. */
    public int windowScale() {
        return windowScale;
    }

    public boolean sackPermitted() {
        return sackPermitted;
    }

    public boolean hasTimestamps() {
        return hasTimestamps;
    }

    public int tsVal() {
        return tsVal;
    }

    public int tsEcr() {
        return tsEcr;
    }

    /** The options area ended in a malformed option; options before it were read. */
    public boolean optionsMalformed() {
        return optionsMalformed;
    }

    /** A connection request: SYN set and ACK clear, whatever else is set (SYN+ECE+CWR floods exist). */
    public boolean isSyn() {
        return (flags & (SYN | ACK)) == SYN;
    }

    /** SYN and ACK both set. */
    public boolean isSynAck() {
        return (flags & (SYN | ACK)) == (SYN | ACK);
    }

    public boolean isRst() {
        return (flags & RST) != 0;
    }

    public boolean isFin() {
        return (flags & FIN) != 0;
    }

    public boolean hasAck() {
        return (flags & ACK) != 0;
    }

    /** For tests and debugging; allocates. */
    @Override
    public String toString() {
        return "TcpSegment[" + Addresses.format(srcHi, srcLo) + " " + srcPort + " > " + Addresses.format(dstHi, dstLo)
                + " " + dstPort + " flags=0x" + Integer.toHexString(flags) + " seq=" + Integer.toUnsignedString(seq)
                + " ack=" + Integer.toUnsignedString(ack) + " win=" + window + " hlen=" + headerLength + " len="
                + payloadLength + " ttl=" + ttl + " mss=" + mss + " ws=" + windowScale + " sackOk=" + sackPermitted
                + " ts="
                + (hasTimestamps ? Integer.toUnsignedString(tsVal) + "/" + Integer.toUnsignedString(tsEcr) : "-")
                + (optionsMalformed ? " optionsMalformed" : "") + (fragmented ? " fragmented" : "") + " vlans="
                + vlanCount + " l3=" + l3Offset + " l4=" + l4Offset + "]";
    }
}
