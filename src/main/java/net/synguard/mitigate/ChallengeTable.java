package net.synguard.mitigate;

/**
 * What the responder remembers about the sources it challenged lately, so it can stop answering
 * sources that never answer (DESIGN.md: "never amplify") and, in the {@code auto} handoff, notice
 * a client whose firewall dropped the retry SYN-ACK. One capture thread owns it.
 *
 * <pre>
 *   bucket = mix(source) &amp; (buckets - 1)     8 slots a bucket
 *   tags[slot]     32 bits of the source's hash, never 0 (0: empty); a bucket's 8 tags are one
 *                  half cache line, scanned first, so a lookup reads the tags and one slot
 *   data[4 slot ..]  hi | lo | last | quietUntilNs        (32 bytes a slot)
 *      last = packet time of the last challenge, its low 11 bits replaced by:
 *             bit 10: that challenge was a retry SYN-ACK; bits 0-9: challenges unanswered
 *             since the last back-off, verification or takeover (at most 1023)
 *      quietUntilNs = not answered before this (0: answered)
 * </pre>
 *
 * <p>A new source takes an empty slot of its bucket, or else one of the eight chosen by the packet
 * time's low bits: losing a slot only forgets (the source is challenged as if new, at most {@code
 * limit} more SYN-ACKs), and a random victim cannot be cycled the way least-recently-used can.
 * Why eight ways and not one: a flood that cycles through a /16 (65,536 sources, each back every
 * fraction of a second) in a direct-mapped table of 262,144 slots shares a slot for about a fifth
 * of its sources; two sources on one slot reset each other's count, were never backed off, and
 * were a third of all SYN-ACKs in the lab. With eight, under 1% (ChallengeTableTest). An
 * Internet-wide spoofed flood (each source once) churns the table harmlessly; the rate caps bound
 * that case. 36 bytes a slot, allocated once; a hit reads two cache lines.
 */
final class ChallengeTable {
    private static final int WAYS = 8;
    private static final int STRIDE = 4;
    private static final long STATE_MASK = (1L << 11) - 1;
    private static final long RETRY_BIT = 1L << 10;
    private static final long COUNT_MASK = RETRY_BIT - 1;

    private final int[] tags;
    private final long[] data;
    private final int mask;
    private long takeovers;

    /** @param slots rounded up to a power of two, at least one bucket */
    ChallengeTable(int slots) {
        int n = Integer.highestOneBit(Math.max(WAYS, slots - 1)) << 1;
        tags = new int[n];
        data = new long[n * STRIDE];
        mask = n - 1;
    }

    /** The slot of {@code (h, l)}; when it had none, one of its bucket is taken (and cleared). */
    int slot(long h, long l, long nowNs) {
        long x = mix(h, l);
        int base = (int) x & mask & ~(WAYS - 1);
        int tag = (int) (x >>> 32) | 1;
        int empty = -1;
        for (int s = base; s < base + WAYS; s++) {
            int t = tags[s];
            if (t == tag) {
                int d = s * STRIDE;
                if (data[d] == h && data[d + 1] == l) {
                    return s;
                }
            } else if (t == 0 && empty < 0) {
                empty = s;
            }
        }
        int victim = empty;
        if (victim < 0) {
            victim = base + ((int) (nowNs ^ (nowNs >>> 17)) & (WAYS - 1));
            takeovers++;
        }
        tags[victim] = tag;
        int d = victim * STRIDE;
        data[d] = h;
        data[d + 1] = l;
        data[d + 2] = 0;
        data[d + 3] = 0;
        return victim;
    }

    /** Whether the source in {@code slot} is in its back-off at {@code nowNs}. */
    boolean quiet(int slot, long nowNs) {
        return nowNs < data[slot * STRIDE + 3];
    }

    /**
     * Whether a SYN now, from the source in {@code slot}, follows a retry challenge it did not
     * answer within {@code windowNs}: its side dropped our odd SYN-ACK (auto handoff).
     */
    boolean retryIgnored(int slot, long nowNs, long windowNs) {
        long last = data[slot * STRIDE + 2];
        return (last & RETRY_BIT) != 0 && nowNs - (last & ~STATE_MASK) < windowNs;
    }

    /**
     * Records a challenge sent; after {@code limit} (at most 1023) unanswered ones the source is
     * quiet for {@code backoffNs}.
     */
    void challenged(int slot, long nowNs, boolean retry, int limit, long backoffNs) {
        int d = slot * STRIDE;
        long unanswered = Math.min(COUNT_MASK, (data[d + 2] & COUNT_MASK) + 1);
        if (unanswered >= limit && backoffNs > 0) {
            data[d + 3] = nowNs + backoffNs;
            unanswered = 0;
        }
        data[d + 2] = (nowNs & ~STATE_MASK) | (retry ? RETRY_BIT : 0) | unanswered;
    }

    /** The source proved itself: forget its challenges. */
    void answered(long h, long l) {
        long x = mix(h, l);
        int base = (int) x & mask & ~(WAYS - 1);
        int tag = (int) (x >>> 32) | 1;
        for (int s = base; s < base + WAYS; s++) {
            int d = s * STRIDE;
            if (tags[s] == tag && data[d] == h && data[d + 1] == l) {
                data[d + 2] = 0;
                data[d + 3] = 0;
            }
        }
    }

    int slots() {
        return mask + 1;
    }

    /** Slots taken over from another source (its bucket was full). */
    long takeovers() {
        return takeovers;
    }

    private static long mix(long h, long l) {
        long x = h * 0x9E37_79B9_7F4A_7C15L ^ l;
        x ^= x >>> 33;
        x *= 0xFF51_AFD7_ED55_8CCDL;
        x ^= x >>> 33;
        x *= 0xC4CE_B9FE_1A85_EC53L;
        return x ^ (x >>> 33);
    }
}
