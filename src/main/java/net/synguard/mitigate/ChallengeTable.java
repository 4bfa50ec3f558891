package net.synguard.mitigate;

/**
 * What the responder remembers about the sources it challenged lately, so it can stop answering
 * sources that never answer (DESIGN.md: "never amplify") and, in the {@code auto} handoff, notice
 * a client whose firewall dropped the retry SYN-ACK. One capture thread owns it.
 *
 * <pre>
 *   slot = mix(source) &amp; (slots - 1)      direct-mapped, a newer source takes the slot over
 *
 *   hi, lo        the source (IPv4-mapped for IPv4)
 *   lastNs        packet time of the last challenge sent
 *   quietUntilNs  not answered before this (0: answered)
 *   unanswered    challenges since the last back-off, the last verification or the slot's reuse
 *   retrySent     the last challenge was a retry SYN-ACK
 * </pre>
 *
 * <p>Losing a slot to a collision only forgets: the source is challenged as if new, which costs at
 * most {@code limit} more SYN-ACKs. An Internet-wide spoofed flood (each source once) churns the
 * table harmlessly; the rate caps bound that case. About 33 bytes a slot, allocated once.
 */
final class ChallengeTable {
    private final long[] hi;
    private final long[] lo;
    private final long[] lastNs;
    private final long[] quietUntilNs;
    private final int[] unanswered;
    private final boolean[] retrySent;
    private final int mask;
    private long takeovers;

    /** @param slots rounded up to a power of two */
    ChallengeTable(int slots) {
        int n = Integer.highestOneBit(Math.max(2, slots - 1)) << 1;
        hi = new long[n];
        lo = new long[n];
        lastNs = new long[n];
        quietUntilNs = new long[n];
        unanswered = new int[n];
        retrySent = new boolean[n];
        // An all-zero slot would match the source ::; AnswerRules never lets :: through, but make
        // empty slots unmatchable anyway.
        java.util.Arrays.fill(hi, -1L);
        java.util.Arrays.fill(lo, -1L);
        mask = n - 1;
    }

    /** The slot of {@code (h, l)}, taken over (and cleared) when another source held it. */
    int slot(long h, long l) {
        int s = index(h, l);
        if (hi[s] != h || lo[s] != l) {
            if (lastNs[s] != 0) {
                takeovers++;
            }
            hi[s] = h;
            lo[s] = l;
            lastNs[s] = 0;
            quietUntilNs[s] = 0;
            unanswered[s] = 0;
            retrySent[s] = false;
        }
        return s;
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
        int s = index(h, l);
        if (hi[s] == h && lo[s] == l) {
            lastNs[s] = 0;
            quietUntilNs[s] = 0;
            unanswered[s] = 0;
            retrySent[s] = false;
        }
    }

    int slots() {
        return mask + 1;
    }

    /** Slots taken over from another source that had been challenged. */
    long takeovers() {
        return takeovers;
    }

    private int index(long h, long l) {
        long x = h * 0x9E37_79B9_7F4A_7C15L ^ l;
        x ^= x >>> 33;
        x *= 0xFF51_AFD7_ED55_8CCDL;
        x ^= x >>> 33;
        return (int) x & mask;
    }
}
