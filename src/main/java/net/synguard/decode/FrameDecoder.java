package net.synguard.decode;

import java.util.Objects;
import net.synguard.capture.LinkType;

/**
 * Decodes captured frames down to the TCP header, for one link type. Runs on the capture thread:
 * it never allocates and never throws on frame content; every frame ends in exactly one
 * {@link DecodeOutcome} counted in the {@link DecodeCounters} given at construction, and frames
 * that decode may add anomaly counts.
 *
 * <p>Checks follow the layering: each header is checked against the length the layer below claims
 * (IP total or payload length) and against what was captured; a claim beyond the capture is fine
 * (snap length) as long as the TCP header itself was captured.
 */
public final class FrameDecoder {
    private final int linkType;
    private final DecodeCounters counters;

    public FrameDecoder(int linkType, DecodeCounters counters) {
        this.linkType = linkType;
        this.counters = Objects.requireNonNull(counters, "counters");
    }

    public int linkType() {
        return linkType;
    }

    public DecodeCounters counters() {
        return counters;
    }

    /**
     * Decodes one frame into {@code out}.
     *
     * @param length captured length; only {@code min(length, frame.length)} bytes are read
     * @return true when {@code out} holds a TCP segment; when false, {@code out}'s contents are
     *     meaningless and one malformed or skipped counter was incremented
     */
    public boolean decode(byte[] frame, int length, TcpSegment out) {
        return decodeOutcome(frame, length, out) == DecodeOutcome.DECODED;
    }

    /** As {@link #decode}, returning the outcome that was counted. */
    public DecodeOutcome decodeOutcome(byte[] frame, int length, TcpSegment out) {
        out.reset();
        DecodeOutcome outcome = classify(frame, length, out);
        counters.increment(outcome);
        if (outcome == DecodeOutcome.DECODED) {
            if (out.optionsMalformed) {
                counters.increment(DecodeOutcome.TCP_OPTIONS_MALFORMED);
            }
            if (out.fragmented) {
                counters.increment(DecodeOutcome.IP_FIRST_FRAGMENT);
            }
        }
        return outcome;
    }

    private DecodeOutcome classify(byte[] frame, int length, TcpSegment out) {
        if (frame == null || length <= 0 || frame.length == 0) {
            return DecodeOutcome.BAD_FRAME_LENGTH;
        }
        int end = Math.min(length, frame.length);
        return switch (linkType) {
            case LinkType.ETHERNET -> EthernetHeader.decode(frame, end, out);
            case LinkType.LINUX_SLL -> LinuxSllHeader.decode(frame, end, out);
            case LinkType.RAW, LinkType.RAW_OLD -> rawIp(frame, end, out);
            default -> DecodeOutcome.UNSUPPORTED_LINK_TYPE;
        };
    }

    /** LINKTYPE_RAW has no link header: the version nibble is all there is to go on. */
    private static DecodeOutcome rawIp(byte[] frame, int end, TcpSegment out) {
        return switch (Bytes.u8(frame, 0) >>> 4) {
            case 4 -> Ipv4Header.decode(frame, 0, end, out);
            case 6 -> Ipv6Header.decode(frame, 0, end, out);
            default -> DecodeOutcome.IP_BAD_VERSION;
        };
    }
}
