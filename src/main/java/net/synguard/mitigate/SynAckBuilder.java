package net.synguard.mitigate;

import static net.synguard.mitigate.NetworkOrder.put16;
import static net.synguard.mitigate.NetworkOrder.put32;
import static net.synguard.mitigate.NetworkOrder.put64;
import static net.synguard.mitigate.NetworkOrder.put8;

import net.synguard.capture.LinkType;
import net.synguard.decode.TcpSegment;

/**
 * Writes the user-space responder's answers (DESIGN.md, "Mitigation: SYN cookies from user space")
 * into a caller-owned buffer: the SYN-ACK that carries a cookie, and the RST that ends the
 * {@code reset} handoff. Nothing is allocated per call; the buffer may be the received frame's own
 * array (everything read from it is read before it is overwritten).
 *
 * <pre>
 * answer = Ethernet (MACs swapped; 802.1Q/QinQ tags and EtherType copied as received)
 *        + IPv4: IHL 5, DSCP/ECN 0, ID 0, DF, TTL 64, protocol 6, no options
 *          or IPv6: traffic class 0, flow label 0, next header 6, hop limit 64, no extension headers
 *        + TCP: ports swapped, seq/ack/window from the caller, options:
 *
 *   mss only (24-byte header)     | 2 | 4 |  MSS  |
 *   mss with timestamps (36)      | 2 | 4 |  MSS  | 1 | 1 | 8 | 10 | TSval | TSecr = SYN's TSval |
 * </pre>
 *
 * <p>The two handoff modes choose the numbers:
 *
 * <ul>
 *   <li>{@code retry}: {@code synAck(frame, syn, anyIsn, cookie, window, mss, out)}. The ACK number
 *       is the cookie and deliberately wrong, so the client's stack answers with an RST whose
 *       sequence number is the cookie (RFC 9293 section 3.10.7.3); none of the SYN-ACK's options
 *       are ever used, so MSS only, and a small window is fine.
 *   <li>{@code reset}: {@code synAck(frame, syn, cookie, syn.seq() + 1, window, mss, out)} or
 *       {@link #synAckWithTimestamps}; the client's ACK carries cookie + 1, and {@link #rst} with
 *       {@code seq = cookie + 1} then ends that connection. Use the window the server would
 *       announce (Linux's cookie SYN-ACK uses the listener's normal window, e.g. 65535; a SYN-ACK's
 *       window is never scaled, RFC 7323 section 2.2).
 * </ul>
 *
 * <p>Options, and why only these: the cookie connection never carries data (retry never
 * establishes one; reset resets it as soon as the ACK proves the source), and the client's next SYN
 * reaches the kernel with every option it offers. So window scale, SACK-permitted and ECN are never
 * negotiated: they would only be state to encode in a cookie (Linux hides them in the timestamp's
 * low bits, {@code cookie_init_timestamp} in net/ipv4/syncookies.c) for a connection that never
 * uses them. The SYN-ACK is a plain SYN|ACK, never ECE (RFC 3168 section 6.1.1). MSS is always sent
 * (the value the cookie encodes; RFC 9293 section 3.7.1). Timestamps are offered as an option set
 * because the client echoes our TSval in its ACK's TSecr: 32 more bits the cookie check can use
 * (e.g. extra hash bits or the counter) at no cost. RFC 7323 section 3.2 allows TSopt in a SYN-ACK
 * only when the SYN carried it, so without it {@link #synAckWithTimestamps} writes MSS only.
 *
 * <p>Short frames are not padded to Ethernet's 60-byte minimum: the driver pads on transmit, as it
 * does for the kernel's own 54-byte segments.
 *
 * <p>Not answerable, return {@link #NOT_ANSWERABLE}: a builder for a link type other than Ethernet
 * (Linux cooked and raw IP captures: there is no link header to turn around, so no way to inject
 * the answer), a frame {@link #answerable} rejects, and for the SYN-ACK a segment that is not a
 * SYN. Caller mistakes (a buffer smaller than the answer, an MSS or window out of range) throw
 * {@link IllegalArgumentException}: they are bugs, not frame content.
 */
public final class SynAckBuilder {
    /** What the build methods return when they write nothing. */
    public static final int NOT_ANSWERABLE = -1;
    /** Longest answer: Ethernet with two tags, IPv6, TCP with MSS and timestamps. */
    public static final int MAX_FRAME_LENGTH = 14 + 2 * 4 + 40 + 36;
    /** IPv4 TTL and IPv6 hop limit of the answers: Linux's default ({@code net.ipv4.ip_default_ttl}). */
    public static final int HOP_LIMIT = 64;

    private static final int IPV4_HEADER_LENGTH = 20;
    private static final int IPV6_HEADER_LENGTH = 40;
    private static final int TCP_HEADER_LENGTH = 20;
    private static final int MSS_OPTION_LENGTH = 4;
    /** NOP, NOP, then kind 8 length 10: the layout Linux writes when SACK-permitted is not sent. */
    private static final int TIMESTAMPS_OPTION_LENGTH = 12;

    private static final int NOP = 1;
    private static final int MSS_KIND = 2;
    private static final int TIMESTAMPS_KIND = 8;
    private static final int PROTOCOL_TCP = 6;
    /** Don't Fragment, with ID 0: what {@code ip_build_and_send_pkt} (net/ipv4/ip_output.c) sends for SYN-ACKs. */
    private static final int IPV4_DF = 0x4000;

    private static final int SYN_ACK = TcpSegment.SYN | TcpSegment.ACK;

    private final int linkType;

    /** A builder for frames captured with {@code linkType} (a {@link LinkType} value). */
    public SynAckBuilder(int linkType) {
        this.linkType = linkType;
    }

    /** Whether answers can be built for frames of this link type: Ethernet only. */
    public static boolean supports(int linkType) {
        return linkType == LinkType.ETHERNET;
    }

    public int linkType() {
        return linkType;
    }

    /**
     * Whether a frame may be answered at all; see {@link AnswerRules} for the rules and their
     * sources. Own addresses (the destination must be ours and protected, the source must not be)
     * are the caller's check.
     *
     * @param syn the decoded segment of {@code frame}
     * @param frame the received frame as captured (Ethernet)
     */
    public static boolean answerable(TcpSegment syn, byte[] frame) {
        return AnswerRules.answerable(syn, frame);
    }

    /**
     * Writes the SYN-ACK answering {@code syn} with the MSS option only.
     *
     * @param frame the received SYN as captured; {@code syn} is its decoded segment
     * @param seq our sequence number (the cookie in {@code reset} mode)
     * @param ack the acknowledgment number (the cookie in {@code retry} mode, else {@code syn.seq() + 1})
     * @param window 0-65535
     * @param mss 1-65535, the MSS the cookie encodes
     * @param out receives the frame from index 0; {@link #MAX_FRAME_LENGTH} bytes always suffice
     * @return the frame's length, or {@link #NOT_ANSWERABLE}
     */
    public int synAck(byte[] frame, TcpSegment syn, int seq, int ack, int window, int mss, byte[] out) {
        return synAck(frame, syn, seq, ack, window, mss, false, 0, out);
    }

    /**
     * As {@link #synAck(byte[], TcpSegment, int, int, int, int, byte[])}, adding a timestamps option
     * with {@code tsVal} and the SYN's TSval as TSecr when the SYN offered timestamps; when it did
     * not, the answer has the MSS option only (RFC 7323 section 3.2).
     */
    public int synAckWithTimestamps(
            byte[] frame, TcpSegment syn, int seq, int ack, int window, int mss, int tsVal, byte[] out) {
        return synAck(frame, syn, seq, ack, window, mss, syn.hasTimestamps(), tsVal, out);
    }

    /**
     * Writes an RST answering {@code received} (the client's ACK in the {@code reset} handoff):
     * addresses and ports swapped, no ACK flag, window 0, no options. RFC 9293 section 3.10.7.4
     * answers an ACK-bearing segment with {@code <SEQ=SEG.ACK><CTL=RST>}: pass the client's
     * acknowledgment number, cookie + 1, which is its RCV.NXT, so it accepts the RST even under RFC
     * 5961 section 3.2's exact-match rule.
     *
     * @return the frame's length, or {@link #NOT_ANSWERABLE}
     */
    public int rst(byte[] frame, TcpSegment received, int seq, byte[] out) {
        if (!supports(linkType) || !AnswerRules.answerable(received, frame)) {
            return NOT_ANSWERABLE;
        }
        return write(frame, received, TcpSegment.RST, seq, 0, 0, -1, false, 0, out);
    }

    private int synAck(
            byte[] frame,
            TcpSegment syn,
            int seq,
            int ack,
            int window,
            int mss,
            boolean timestamps,
            int tsVal,
            byte[] out) {
        if (mss < 1 || mss > 0xFFFF) {
            throw new IllegalArgumentException("MSS " + mss + " out of range (expected 1-65535)");
        }
        if (!supports(linkType) || !syn.isSyn() || !AnswerRules.answerable(syn, frame)) {
            return NOT_ANSWERABLE;
        }
        return write(frame, syn, SYN_ACK, seq, ack, window, mss, timestamps, tsVal, out);
    }

    /** {@code mss < 0}: no options. The caller has checked that {@code in} is answerable. */
    private static int write(
            byte[] frame,
            TcpSegment in,
            int flags,
            int seq,
            int ack,
            int window,
            int mss,
            boolean timestamps,
            int tsVal,
            byte[] out) {
        if (window < 0 || window > 0xFFFF) {
            throw new IllegalArgumentException("window " + window + " out of range (expected 0-65535)");
        }
        boolean v4 = in.ipVersion() == 4;
        int l3 = in.l3Offset();
        int l4 = l3 + (v4 ? IPV4_HEADER_LENGTH : IPV6_HEADER_LENGTH);
        int tcpLength =
                TCP_HEADER_LENGTH + (mss < 0 ? 0 : MSS_OPTION_LENGTH) + (timestamps ? TIMESTAMPS_OPTION_LENGTH : 0);
        int length = l4 + tcpLength;
        if (out.length < length) {
            throw new IllegalArgumentException("output buffer of " + out.length + " bytes (expected " + length
                    + "+ bytes; " + MAX_FRAME_LENGTH + " always suffice)");
        }

        // Ethernet: both MACs are read before either is written, so out may be frame.
        long destination = NetworkOrder.get48(frame, 0);
        long source = NetworkOrder.get48(frame, 6);
        NetworkOrder.put48(out, 0, source);
        NetworkOrder.put48(out, 6, destination);
        // VLAN tags (TPID + TCI, priority bits included) and the EtherType, as received.
        System.arraycopy(frame, 12, out, 12, l3 - 12);

        int pseudo = v4 ? ipv4(in, out, l3, tcpLength) : ipv6(in, out, l3, tcpLength);

        put16(out, l4, in.dstPort());
        put16(out, l4 + 2, in.srcPort());
        put32(out, l4 + 4, seq);
        put32(out, l4 + 8, ack);
        put8(out, l4 + 12, (tcpLength / 4) << 4);
        put8(out, l4 + 13, flags);
        put16(out, l4 + 14, window);
        put32(out, l4 + 16, 0); // checksum (filled below) and urgent pointer
        int at = l4 + TCP_HEADER_LENGTH;
        if (mss >= 0) {
            put8(out, at, MSS_KIND);
            put8(out, at + 1, MSS_OPTION_LENGTH);
            put16(out, at + 2, mss);
            at += MSS_OPTION_LENGTH;
        }
        if (timestamps) {
            put8(out, at, NOP);
            put8(out, at + 1, NOP);
            put8(out, at + 2, TIMESTAMPS_KIND);
            put8(out, at + 3, TIMESTAMPS_OPTION_LENGTH - 2);
            put32(out, at + 4, tsVal);
            put32(out, at + 8, in.tsVal());
        }
        put16(out, l4 + 16, InternetChecksum.finish(InternetChecksum.sum(out, l4, tcpLength, pseudo)));
        return length;
    }

    /**
     * The IPv4 header (RFC 791 section 3.1) from {@code in}'s destination to its source; returns the
     * sum of the TCP pseudo-header (RFC 9293 section 3.1: source, destination, zero, protocol, TCP
     * length).
     */
    private static int ipv4(TcpSegment in, byte[] out, int l3, int tcpLength) {
        int source = (int) in.dstLo();
        int destination = (int) in.srcLo();
        put8(out, l3, 0x45);
        put8(out, l3 + 1, 0);
        put16(out, l3 + 2, IPV4_HEADER_LENGTH + tcpLength);
        put16(out, l3 + 4, 0);
        put16(out, l3 + 6, IPV4_DF);
        put8(out, l3 + 8, HOP_LIMIT);
        put8(out, l3 + 9, PROTOCOL_TCP);
        put16(out, l3 + 10, 0);
        put32(out, l3 + 12, source);
        put32(out, l3 + 16, destination);
        put16(out, l3 + 10, InternetChecksum.finish(InternetChecksum.sum(out, l3, IPV4_HEADER_LENGTH, 0)));
        return InternetChecksum.sum(destination, InternetChecksum.sum(source, PROTOCOL_TCP + tcpLength));
    }

    /**
     * The IPv6 header (RFC 8200 section 3) from {@code in}'s destination to its source; returns the
     * sum of the upper-layer pseudo-header (RFC 8200 section 8.1: source, destination, 32-bit
     * length, three zero bytes, next header).
     */
    private static int ipv6(TcpSegment in, byte[] out, int l3, int tcpLength) {
        put32(out, l3, 0x6000_0000); // version 6, traffic class 0, flow label 0
        put16(out, l3 + 4, tcpLength);
        put8(out, l3 + 6, PROTOCOL_TCP);
        put8(out, l3 + 7, HOP_LIMIT);
        put64(out, l3 + 8, in.dstHi());
        put64(out, l3 + 16, in.dstLo());
        put64(out, l3 + 24, in.srcHi());
        put64(out, l3 + 32, in.srcLo());
        int sum = InternetChecksum.sum(in.dstHi(), PROTOCOL_TCP + tcpLength);
        sum = InternetChecksum.sum(in.dstLo(), sum);
        sum = InternetChecksum.sum(in.srcHi(), sum);
        return InternetChecksum.sum(in.srcLo(), sum);
    }
}
