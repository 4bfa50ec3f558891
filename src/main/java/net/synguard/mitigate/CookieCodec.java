package net.synguard.mitigate;

/**
 * SYN cookies computed and checked in user space, with the construction of Linux's
 * {@code net/ipv4/syncookies.c} ({@code secure_tcp_syn_cookie}, {@code check_tcp_syn_cookie}) and
 * SipHash-2-4 (Aumasson and Bernstein 2012) as its keyed hash:
 *
 * <pre>
 *   cookie = H1(K1, flow, isn) + isn + (counter &lt;&lt; 24) + ((H2(K2, flow, counter) + mssIndex) mod 2^24)
 *            (mod 2^32)
 *
 *    31          24 23                                               0
 *   +--------------+--------------------------------------------------+
 *   |   counter    |        H2(K2, flow, counter) + mssIndex          |  + H1(K1, flow, isn) + isn
 *   +--------------+--------------------------------------------------+
 * </pre>
 *
 * {@code counter} is packet time divided by the period (Linux: 60 s, {@code TCP_SYNCOOKIE_PERIOD}),
 * of which the cookie keeps the low 8 bits; a cookie is valid in the period it was issued in and
 * the next one ({@code MAX_SYNCOOKIE_AGE} 2). {@code mssIndex} is the client's MSS rounded down to
 * {@link #MSS_TABLE} (Linux's IPv4 {@code msstab}).
 *
 * <p>The hash inputs are five little-endian words: client address (hi, lo), server address (hi,
 * lo), and {@code clientPort << 16 | serverPort}, whose upper 32 bits hold the low 32 bits of the
 * full counter for H2 and the ISN for H1. IPv4 flows are IPv4-mapped, as everywhere in synguard. A
 * hash value is the low 32 bits of SipHash's output.
 *
 * <p>One departure from Linux: its first hash has {@code count} 0 where ours has the ISN. In Linux's
 * layout the ISN is only added, so it shares the low two bits with the MSS index: a cookie checked
 * with {@code isn + 1} passes with {@code mssIndex - 1}. Keying H1 on the ISN too makes every ISN
 * bit count (a different ISN gives an unrelated H1) at no cost, and changes nothing else: the sum
 * and the forgery odds below are Linux's.
 *
 * <p>Checking strips H1 and the ISN, reads the counter from the top byte, accepts it when its age
 * is 0 or 1, and subtracts H2 for that counter: what is left is the MSS index, valid when below 4.
 * Keys rotate ({@link CookieKeys}); each counter period belongs to one key generation
 * ({@link KeyRing}) and a generation is tried only for the valid counters it owns.
 *
 * <p><b>Forgery odds.</b> For a given flow and ISN, a uniformly random 32-bit value passes when its
 * top byte (after stripping H1 and the ISN) is one of the two valid counters, probability 2/2^8, and
 * the 24 bits below land on one of the 4 MSS indexes, probability 4/2^24: 8/2^32 = 2^-29 (about 1.9
 * in a billion), the same as Linux's. With two key generations each owns some of the two valid
 * counters, so the sum is still 2^-29 (less the negligible chance that both accept). A forger
 * therefore needs about 2^28 packets per flow to expect one success, and each flow is worth only one
 * verified source.
 *
 * <p><b>Handoffs</b> (DESIGN.md, "Mitigation"). {@code reset}: the SYN-ACK's sequence number is the
 * cookie of the SYN's ISN; the client's ACK carries {@code seq = isn + 1, ack = cookie + 1}: see
 * {@link #checkResetAck}. {@code retry}: the client's RST echoes the SYN-ACK's acknowledgment number
 * as its sequence number (RFC 9293 section 3.10.7.3, SYN-SENT: {@code <SEQ=SEG.ACK><CTL=RST>}) and
 * carries nothing else of the SYN, so a stateless responder cannot know the ISN when the RST comes:
 * retry cookies are computed with ISN 0 ({@link #encodeRetry}, {@link #checkRetryRst}).
 *
 * <p>Hot path: no allocation, no exception; safe on any number of threads (the keys are read with
 * one volatile read per call).
 */
public final class CookieCodec {
    /** Linux's IPv4 {@code msstab}: index 0..3 in the cookie. */
    private static final int[] MSS_TABLE = {536, 1300, 1440, 1460};

    private static final int COUNTER_SHIFT = 24;
    private static final int HASH_MASK = (1 << COUNTER_SHIFT) - 1;
    /** Counter ages accepted: 0 and 1 ({@code MAX_SYNCOOKIE_AGE}). */
    private static final int MAX_AGE = 2;

    /** The check's result for a cookie that does not verify. */
    public static final int INVALID = -1;

    private final CookieKeys keys;
    private final long periodNs;

    public CookieCodec(CookieKeys keys) {
        this.keys = keys;
        this.periodNs = keys.periodNs();
    }

    /** The MSS of table index 0..3. */
    public static int mssOf(int index) {
        return MSS_TABLE[index];
    }

    /**
     * The largest table index whose MSS is at most {@code mss}; 0 (536, RFC 9293's default) when the
     * SYN had no MSS option (any value below 1) or a smaller one.
     */
    public static int mssIndex(int mss) {
        for (int i = MSS_TABLE.length - 1; i > 0; i--) {
            if (mss >= MSS_TABLE[i]) {
                return i;
            }
        }
        return 0;
    }

    /**
     * The cookie for a SYN from the client to the server, received at {@code nowNs} (packet time).
     * Ports are 0..65535; {@code mss} is the SYN's MSS option, or -1 without one.
     */
    public int encode(
            long cHi, long cLo, long sHi, long sLo, int cPort, int sPort, int clientIsn, int mss, long nowNs) {
        KeyRing ring = keys.ring();
        long counter = Math.floorDiv(nowNs, periodNs);
        CookieSecret s = ring.previous() != null && counter < ring.switchCounter() ? ring.previous() : ring.current();
        long ports = ports(cPort, sPort);
        int h1 = (int) SipHash24.hash(s.k1a(), s.k1b(), cHi, cLo, sHi, sLo, ports | isnWord(clientIsn));
        int h2 = (int) SipHash24.hash(s.k2a(), s.k2b(), cHi, cLo, sHi, sLo, ports | (counter << 32));
        return h1 + clientIsn + ((int) counter << COUNTER_SHIFT) + ((h2 + mssIndex(mss)) & HASH_MASK);
    }

    /**
     * The MSS index 0..3 a cookie carries, or {@link #INVALID} when it was not issued for this flow
     * and ISN, is older than two periods, or is forged.
     */
    public int decodeMssIndex(
            long cHi, long cLo, long sHi, long sLo, int cPort, int sPort, int cookie, int clientIsn, long nowNs) {
        KeyRing ring = keys.ring();
        long now = Math.floorDiv(nowNs, periodNs);
        long ports = ports(cPort, sPort);
        CookieSecret previous = ring.previous();
        if (previous == null) {
            return check(ring.current(), cHi, cLo, sHi, sLo, ports, cookie, clientIsn, now, Long.MIN_VALUE, now);
        }
        long firstCurrent = ring.switchCounter();
        int index = INVALID;
        if (now >= firstCurrent) {
            index = check(ring.current(), cHi, cLo, sHi, sLo, ports, cookie, clientIsn, now, firstCurrent, now);
        }
        if (index == INVALID && now - 1 < firstCurrent) {
            index = check(
                    previous, cHi, cLo, sHi, sLo, ports, cookie, clientIsn, now, Long.MIN_VALUE, firstCurrent - 1);
        }
        return index;
    }

    /**
     * {@code retry} handoff: the value to put in the SYN-ACK's acknowledgment number. It equals
     * {@code synIsn + 1}, which a SYN-SENT stack would accept, with probability 2^-32 per SYN: the
     * caller checks for that and answers that one SYN with the {@code reset} handoff instead.
     */
    public int encodeRetry(long cHi, long cLo, long sHi, long sLo, int cPort, int sPort, int mss, long nowNs) {
        return encode(cHi, cLo, sHi, sLo, cPort, sPort, 0, mss, nowNs);
    }

    /** {@code retry} handoff: checks the sequence number of the client's RST. */
    public int checkRetryRst(long cHi, long cLo, long sHi, long sLo, int cPort, int sPort, int rstSeq, long nowNs) {
        return decodeMssIndex(cHi, cLo, sHi, sLo, cPort, sPort, rstSeq, 0, nowNs);
    }

    /**
     * {@code reset} handoff: checks the client's ACK of a SYN-ACK whose sequence number was {@code
     * encode(..., synIsn, ...)}: the ACK has {@code seq = synIsn + 1} and {@code ack = cookie + 1}
     * (Linux: {@code cookie_v4_check} with {@code ack_seq - 1} and {@code seq - 1}).
     */
    public int checkResetAck(
            long cHi, long cLo, long sHi, long sLo, int cPort, int sPort, int ackSeq, int ackAck, long nowNs) {
        return decodeMssIndex(cHi, cLo, sHi, sLo, cPort, sPort, ackAck - 1, ackSeq - 1, nowNs);
    }

    /** Checks a cookie against one generation, for the counters in {@code [lowest, highest]}. */
    private static int check(
            CookieSecret s,
            long cHi,
            long cLo,
            long sHi,
            long sLo,
            long ports,
            int cookie,
            int clientIsn,
            long now,
            long lowest,
            long highest) {
        int h1 = (int) SipHash24.hash(s.k1a(), s.k1b(), cHi, cLo, sHi, sLo, ports | isnWord(clientIsn));
        int rest = cookie - h1 - clientIsn;
        int age = ((int) now - (rest >>> COUNTER_SHIFT)) & 0xFF;
        long counter = now - age;
        if (age >= MAX_AGE || counter < lowest || counter > highest) {
            return INVALID;
        }
        int h2 = (int) SipHash24.hash(s.k2a(), s.k2b(), cHi, cLo, sHi, sLo, ports | (counter << 32));
        int index = (rest - h2) & HASH_MASK;
        return index < MSS_TABLE.length ? index : INVALID;
    }

    /** H1 alone, for tests that build cookies around it. */
    static int flowHash(CookieSecret s, long cHi, long cLo, long sHi, long sLo, int cPort, int sPort, int isn) {
        return (int) SipHash24.hash(s.k1a(), s.k1b(), cHi, cLo, sHi, sLo, ports(cPort, sPort) | isnWord(isn));
    }

    private static long isnWord(int isn) {
        return (long) isn << 32;
    }

    private static long ports(int cPort, int sPort) {
        return (long) (cPort & 0xFFFF) << 16 | (sPort & 0xFFFF);
    }
}
