package net.synguard.track;

/**
 * How long a listener keeps a request socket (SYN_RECV) for a client that never sends its ACK,
 * computed from the kernel's SYN-ACK retry schedule.
 *
 * <p>{@code net/ipv4/inet_connection_sock.c}, {@code reqsk_timer_handler}: the request's timer first
 * fires after {@code TCP_TIMEOUT_INIT} (1 s, RFC 6298 section 2); each time it fires with retries
 * left it retransmits the SYN-ACK and re-arms for {@code min(TCP_TIMEOUT_INIT << num_timeout,
 * TCP_RTO_MAX)} (newer kernels: {@code reqsk_timeout(req, TCP_RTO_MAX)}, the same with the initial
 * timeout a BPF program may have set in place of TCP_TIMEOUT_INIT); when {@code net.ipv4.tcp_synack_retries} (default 5) retransmits have gone
 * unanswered the next firing drops the request. So the request lives
 *
 * <pre>
 *   sum over i = 0..retries of min(initialRto * 2^i, rtoMax)
 * </pre>
 *
 * which is {@code initialRto * (2^(retries+1) - 1)} while no interval reaches {@code TCP_RTO_MAX}
 * (120 s): 1+2+4+8+16+32 = 63 s for the defaults; retries 7 gives 1+...+64+120 = 247 s.
 *
 * <p>This is the upper bound. Under load the kernel gives up sooner: when the accept queue is more
 * than half full, requests that never saw an ACK get fewer retries (the "young/old" threshold in
 * the same function, down to 2 retries, 7 s). An observer that keeps entries for the full timeout
 * therefore over-counts half-open entries during a flood rather than under-counts them.
 */
public final class HalfOpenTimeout {
    /** {@code TCP_TIMEOUT_INIT} in include/net/tcp.h. */
    public static final long TCP_TIMEOUT_INIT_NS = 1_000_000_000L;
    /** {@code TCP_RTO_MAX} in include/net/tcp.h. */
    public static final long TCP_RTO_MAX_NS = 120_000_000_000L;
    /** The default of {@code net.ipv4.tcp_synack_retries} (include/net/tcp.h, TCP_SYNACK_RETRIES). */
    public static final int DEFAULT_SYNACK_RETRIES = 5;
    /** 63 s: the half-open lifetime with the kernel's defaults. */
    public static final long DEFAULT_NS = nanos(DEFAULT_SYNACK_RETRIES, TCP_TIMEOUT_INIT_NS);

    private HalfOpenTimeout() {}

    /** The half-open lifetime for a retry count and initial RTO, each interval capped at {@link #TCP_RTO_MAX_NS}. */
    public static long nanos(int synackRetries, long initialRtoNs) {
        return nanos(synackRetries, initialRtoNs, Math.max(initialRtoNs, TCP_RTO_MAX_NS));
    }

    /**
     * The half-open lifetime with an explicit cap on each retransmit interval (kernels with a tunable
     * maximum RTO). Saturates at {@link Long#MAX_VALUE} instead of overflowing.
     *
     * @throws IllegalArgumentException if {@code synackRetries} is outside 0..255 (the sysctl is a
     *     u8), {@code initialRtoNs} is not positive, or {@code rtoMaxNs} is below {@code initialRtoNs}
     */
    public static long nanos(int synackRetries, long initialRtoNs, long rtoMaxNs) {
        if (synackRetries < 0 || synackRetries > 255) {
            throw new IllegalArgumentException("tcp_synack_retries: " + synackRetries + " (expected: 0..255)");
        }
        if (initialRtoNs <= 0) {
            throw new IllegalArgumentException("initial RTO: " + initialRtoNs + " ns (expected: > 0)");
        }
        if (rtoMaxNs < initialRtoNs) {
            throw new IllegalArgumentException(
                    "maximum RTO: " + rtoMaxNs + " ns (expected: >= initial RTO " + initialRtoNs + " ns)");
        }
        long total = 0;
        long interval = initialRtoNs;
        for (int i = 0; i <= synackRetries; i++) {
            if (total > Long.MAX_VALUE - interval) {
                return Long.MAX_VALUE;
            }
            total += interval;
            // Doubling stops at the cap, so interval never overflows: it is at most rtoMaxNs.
            interval = interval > rtoMaxNs / 2 ? rtoMaxNs : interval * 2;
        }
        return total;
    }
}
