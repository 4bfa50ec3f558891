package net.synguard.mitigate;

import net.synguard.decode.Addresses;

/**
 * The responder's send budget: a token bucket for all SYN-ACKs together and one per client prefix
 * (IPv4 /24 and IPv6 /64 by default), refilled in packet time. A SYN-ACK is sent only when both
 * have a token. A flood that spoofs one victim network gets at most {@code prefixRate} answers a
 * second aimed at it, whatever the flood's rate; all victims together at most {@code globalRate}.
 *
 * <pre>
 *   bucket = mix(prefix) &amp; (buckets - 1)   4096 buckets, no keys: prefixes that collide share a
 *                                          bucket, which only makes the cap stricter for them
 *   tokens in thousandths, so refill at low rates keeps its fractions
 * </pre>
 *
 * Burst: one second's worth. One capture thread owns it; nothing allocated per call.
 */
final class RateCaps {
    private static final int BUCKETS = 4096;
    private static final long SCALE = 1000;

    private final long globalCapacity;
    private final long prefixCapacity;
    private final int ipv4Bits;
    private final int ipv6Bits;
    private long globalTokens;
    private long globalLastNs;
    private final long[] tokens = new long[BUCKETS];
    private final long[] lastNs = new long[BUCKETS];
    private final long globalRate;
    private final long prefixRate;
    private long globalDenied;
    private long prefixDenied;

    RateCaps(int globalRate, int prefixRate, int ipv4Bits, int ipv6Bits) {
        this.globalRate = globalRate;
        this.prefixRate = prefixRate;
        this.globalCapacity = globalRate * SCALE;
        this.prefixCapacity = prefixRate * SCALE;
        this.ipv4Bits = ipv4Bits;
        this.ipv6Bits = ipv6Bits;
        this.globalTokens = globalCapacity;
        java.util.Arrays.fill(tokens, prefixCapacity);
        java.util.Arrays.fill(lastNs, Long.MIN_VALUE);
        this.globalLastNs = Long.MIN_VALUE;
    }

    /** Takes a token from both buckets of {@code (hi, lo)}'s prefix at {@code nowNs}, or none. */
    boolean tryAcquire(long hi, long lo, long nowNs) {
        globalTokens = refill(globalTokens, globalLastNs, nowNs, globalRate, globalCapacity);
        globalLastNs = nowNs;
        if (globalTokens < SCALE) {
            globalDenied++;
            return false;
        }
        int b = bucket(hi, lo);
        tokens[b] = refill(tokens[b], lastNs[b], nowNs, prefixRate, prefixCapacity);
        lastNs[b] = nowNs;
        if (tokens[b] < SCALE) {
            prefixDenied++;
            return false;
        }
        tokens[b] -= SCALE;
        globalTokens -= SCALE;
        return true;
    }

    long globalDenied() {
        return globalDenied;
    }

    long prefixDenied() {
        return prefixDenied;
    }

    private static long refill(long have, long lastNs, long nowNs, long rate, long capacity) {
        if (lastNs == Long.MIN_VALUE || nowNs <= lastNs) {
            return have;
        }
        long elapsed = nowNs - lastNs;
        // Past a second the bucket is full anyway; below it, elapsed * rate < 10^16 fits a long.
        if (elapsed >= 1_000_000_000L) {
            return capacity;
        }
        return Math.min(capacity, have + elapsed * rate / (1_000_000_000L / SCALE));
    }

    private int bucket(long hi, long lo) {
        long ph = Addresses.prefixHi(hi, lo, ipv4Bits, ipv6Bits);
        long pl = Addresses.prefixLo(hi, lo, ipv4Bits, ipv6Bits);
        long x = ph * 0xC2B2_AE3D_27D4_EB4FL ^ pl;
        x ^= x >>> 29;
        x *= 0x9E37_79B9_7F4A_7C15L;
        x ^= x >>> 32;
        return (int) x & (BUCKETS - 1);
    }
}
