package net.synguard.mitigate;

/**
 * What the responder remembers about the sources it challenged lately, so it can stop answering
 * sources that never answer (DESIGN.md: "never amplify") and, in the {@code auto} handoff, notice
 * a client whose firewall dropped the retry SYN-ACK. One capture thread owns it.
 *
 * <pre>
 *   bucket = mix(source) &amp; (buckets - 1)  8 slots a bucket; a new source takes over the slot
 *                                          challenged longest ago (an empty one first)
 *
 *   hi, lo        the source (IPv4-mapped for IPv4)
 *   lastNs        packet time of the last challenge sent
 *   seenNs        packet time of its last SYN (the bucket's least recent source gives way)
 *   quietUntilNs  not answered before this (0: answered)
 *   unanswered    challenges since the last back-off, the last verification or the slot's reuse
 *   retrySent     the last challenge was a retry SYN-ACK
 * </pre>
 *
 * <p>Losing a slot only forgets: the source is challenged as if new, which costs at most {@code
 * limit} more SYN-ACKs. Why eight ways and not one: a flood that cycles through a /16 (65,536
 * sources, each back every fraction of a second) in a direct-mapped table of 262,144 slots shares a
 * slot for about a fifth of its sources; two sources on one slot reset each other's count, are
 * never backed off, and were a third of all SYN-ACKs in the lab. With four ways a bucket that gets a
 * fifth source cycles all five out (2.3% of that flood's sources); with eight, under 1%
 * (ChallengeTableTest). An Internet-wide spoofed flood
 * (each source once) churns the table harmlessly; the rate caps bound that case. About 33 bytes a
 * slot, allocated once.
 */
final class ChallengeTable {
    private static final int WAYS = 8;

    private final long[] hi;
    private final long[] lo;
    private final long[] lastNs;
    private final long[] seenNs;
    private final long[] quietUntilNs;
    private final int[] unanswered;
    private final boolean[] retrySent;
    private final int mask;
    private long takeovers;

    /** @param slots rounded up to a power of two, at least one bucket */
    ChallengeTable(int slots) {
        int n = Integer.highestOneBit(Math.max(WAYS, slots - 1)) << 1;
        hi = new long[n];
        lo = new long[n];
        lastNs = new long[n];
        seenNs = new long[n];
        quietUntilNs = new long[n];
        unanswered = new int[n];
        retrySent = new boolean[n];
        // An all-zero slot would match the source ::; AnswerRules never lets :: through, but make
        // empty slots unmatchable anyway.
        java.util.Arrays.fill(hi, -1L);
        java.util.Arrays.fill(lo, -1L);
        mask = n - 1;
    }

    /**
     * The slot of {@code (h, l)} seen at {@code nowNs}; when it had none, the slot of its bucket
     * seen longest ago is taken over (and cleared).
     */
    int slot(long h, long l, long nowNs) {
        int base = bucket(h, l);
        int victim = base;
        for (int s = base; s < base + WAYS; s++) {
            if (hi[s] == h && lo[s] == l) {
                seenNs[s] = nowNs;
                return s;
            }
            if (seenNs[s] < seenNs[victim]) {
                victim = s;
            }
        }
        if (seenNs[victim] != 0) {
            takeovers++;
        }
        seenNs[victim] = nowNs;
        hi[victim] = h;
        lo[victim] = l;
        lastNs[victim] = 0;
        quietUntilNs[victim] = 0;
        unanswered[victim] = 0;
        retrySent[victim] = false;
        return victim;
    }

    /** Whether the source in {@code slot} is in its back-off at {@code nowNs}. */
    boolean quiet(int slot, long nowNs) {
        return nowNs < quietUntilNs[slot];
    }

    /**
     * Whether a SYN now, from the source in {@code slot}, follows a retry challenge it did not
     * answer within {@code windowNs}: its side dropped our odd SYN-ACK (auto handoff).
     */
    boolean retryIgnored(int slot, long nowNs, long windowNs) {
        return retrySent[slot] && nowNs - lastNs[slot] < windowNs;
    }

    /**
     * Records a challenge sent; after {@code limit} unanswered ones the source is quiet for {@code
     * backoffNs}.
     */
    void challenged(int slot, long nowNs, boolean retry, int limit, long backoffNs) {
        lastNs[slot] = nowNs;
        retrySent[slot] = retry;
        if (++unanswered[slot] >= limit && backoffNs > 0) {
            quietUntilNs[slot] = nowNs + backoffNs;
            unanswered[slot] = 0;
        }
    }

    /** The source proved itself: forget its challenges. */
    void answered(long h, long l) {
        int base = bucket(h, l);
        for (int s = base; s < base + WAYS; s++) {
            if (hi[s] == h && lo[s] == l) {
                lastNs[s] = 0;
                quietUntilNs[s] = 0;
                unanswered[s] = 0;
                retrySent[s] = false;
            }
        }
    }

    int slots() {
        return mask + 1;
    }

    /** Slots taken over from another source that had been challenged. */
    long takeovers() {
        return takeovers;
    }

    /** First slot of the bucket of {@code (h, l)}. */
    private int bucket(long h, long l) {
        long x = h * 0x9E37_79B9_7F4A_7C15L ^ l;
        x ^= x >>> 33;
        x *= 0xFF51_AFD7_ED55_8CCDL;
        x ^= x >>> 33;
        return ((int) x & mask) & ~(WAYS - 1);
    }
}
