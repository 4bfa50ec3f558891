package net.synguard.decode;

/**
 * TCP options, RFC 9293 section 3.2, read the way Linux's {@code tcp_parse_options} reads them
 * (net/ipv4/tcp_input.c):
 *
 * <pre>
 * +--------+                        End of Option List (0): stop
 * |00000000|
 * +--------+
 * +--------+                        No-Operation (1): one byte of padding
 * |00000001|
 * +--------+
 * +--------+--------+---------+--------
 * |  kind  | length | data (length - 2 bytes)
 * +--------+--------+---------+--------
 *   2  MSS               length 4   16-bit maximum segment size       RFC 9293 3.2
 *   3  Window Scale      length 3   shift count                       RFC 7323 2.2
 *   4  SACK-Permitted    length 2                                     RFC 2018 2
 *   5  SACK              length 2 + 8n, n >= 1                        RFC 2018 3
 *   8  Timestamps        length 10  TSval (32), TSecr (32)            RFC 7323 3.2
 * </pre>
 *
 * A length below 2 or past the header loses the framing: parsing stops there. A known kind with
 * the wrong length still frames correctly, so, like Linux, it is ignored and parsing goes on.
 * Either way the segment is flagged: attack tools produce these, and the segment still counts.
 */
final class TcpOptions {
    static final int END_OF_LIST = 0;
    static final int NO_OPERATION = 1;
    static final int MSS = 2;
    static final int WINDOW_SCALE = 3;
    static final int SACK_PERMITTED = 4;
    static final int SACK = 5;
    static final int TIMESTAMPS = 8;

    static final int KIND_OFFSET = 0;
    static final int LENGTH_OFFSET = 1;
    static final int DATA_OFFSET = 2;

    static final int MSS_LENGTH = 4;
    static final int WINDOW_SCALE_LENGTH = 3;
    static final int SACK_PERMITTED_LENGTH = 2;
    static final int SACK_BLOCK_LENGTH = 8;
    static final int TIMESTAMPS_LENGTH = 10;

    private TcpOptions() {}

    /** Reads the options in {@code [offset, end)}; the caller has checked that range is captured. */
    static void parse(byte[] frame, int offset, int end, TcpSegment out) {
        int at = offset;
        while (at < end) {
            int kind = Bytes.u8(frame, at + KIND_OFFSET);
            if (kind == END_OF_LIST) {
                return;
            }
            if (kind == NO_OPERATION) {
                at++;
                continue;
            }
            if (end - at < 2) {
                out.optionsMalformed = true;
                return;
            }
            int length = Bytes.u8(frame, at + LENGTH_OFFSET);
            if (length < 2 || length > end - at) {
                out.optionsMalformed = true;
                return;
            }
            int data = at + DATA_OFFSET;
            switch (kind) {
                case MSS -> {
                    if (length == MSS_LENGTH) {
                        out.mss = Bytes.u16(frame, data);
                    } else {
                        out.optionsMalformed = true;
                    }
                }
                case WINDOW_SCALE -> {
                    if (length == WINDOW_SCALE_LENGTH) {
                        out.windowScale = Bytes.u8(frame, data);
                    } else {
                        out.optionsMalformed = true;
                    }
                }
                case SACK_PERMITTED -> {
                    if (length == SACK_PERMITTED_LENGTH) {
                        out.sackPermitted = true;
                    } else {
                        out.optionsMalformed = true;
                    }
                }
                case SACK -> {
                    int blocks = length - DATA_OFFSET;
                    if (blocks == 0 || blocks % SACK_BLOCK_LENGTH != 0) {
                        out.optionsMalformed = true;
                    }
                }
                case TIMESTAMPS -> {
                    if (length == TIMESTAMPS_LENGTH) {
                        out.hasTimestamps = true;
                        out.tsVal = Bytes.i32(frame, data);
                        out.tsEcr = Bytes.i32(frame, data + 4);
                    } else {
                        out.optionsMalformed = true;
                    }
                }
                default -> {
                    // unknown or unused kind (Fast Open, MPTCP, TCP-AO, ...): skipped by its length
                }
            }
            at += length;
        }
    }
}
