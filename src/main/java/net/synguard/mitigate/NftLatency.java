package net.synguard.mitigate;

/**
 * Latency from a command's offer to nft's acknowledgement that the kernel has it: count, mean,
 * maximum, and percentiles from a histogram of power-of-two microsecond buckets (upper bounds,
 * within a factor of two). One writer (the nft thread); readers see a consistent snapshot.
 */
public final class NftLatency {
    private final long[] buckets = new long[40];
    private long count;
    private long sumNs;
    private long maxNs;
    private long lastNs;

    synchronized void record(long ns) {
        long n = Math.max(0, ns);
        count++;
        sumNs += n;
        maxNs = Math.max(maxNs, n);
        lastNs = n;
        long us = n / 1000;
        int bucket = us == 0 ? 0 : Math.min(buckets.length - 1, 64 - Long.numberOfLeadingZeros(us));
        buckets[bucket]++;
    }

    /** A copy of the figures so far, which later records do not change. */
    public synchronized NftLatency snapshot() {
        NftLatency copy = new NftLatency();
        System.arraycopy(buckets, 0, copy.buckets, 0, buckets.length);
        copy.count = count;
        copy.sumNs = sumNs;
        copy.maxNs = maxNs;
        copy.lastNs = lastNs;
        return copy;
    }

    public synchronized long count() {
        return count;
    }

    public synchronized long meanNs() {
        return count == 0 ? 0 : sumNs / count;
    }

    public synchronized long maxNs() {
        return maxNs;
    }

    public synchronized long lastNs() {
        return lastNs;
    }

    /** Upper bound of the {@code q} quantile (0 < q <= 1), in microseconds; 0 when nothing was recorded. */
    public synchronized long quantileUpperUs(double q) {
        long rank = (long) Math.ceil(q * count);
        long seen = 0;
        for (int i = 0; i < buckets.length; i++) {
            seen += buckets[i];
            if (count > 0 && seen >= rank) {
                return 1L << i;
            }
        }
        return 0;
    }

    @Override
    public synchronized String toString() {
        return String.format(
                "n=%d mean=%.3fms p50<=%.3fms p99<=%.3fms max=%.3fms",
                count, meanNs() / 1e6, quantileUpperUs(0.5) / 1e3, quantileUpperUs(0.99) / 1e3, maxNs / 1e6);
    }
}
