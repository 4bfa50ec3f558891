package net.synguard.pressure;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;

/**
 * Per-address state for one kind of source key (single addresses, or prefixes): a Caffeine cache
 * bounded by size and idle time on the packet clock, a {@link FirstSight} table that keeps one-off
 * addresses out of it, and a {@link ResidentFilter} that answers "not cached" without a hash-map
 * probe. The last key looked up is remembered, because a SYN's rate update and its half-open
 * bookkeeping come one right after the other for the same address.
 */
final class SourceTier {
    private final Cache<AddressKey, SourceStats> cache;
    private final FirstSight firstSight;
    private final ResidentFilter resident;
    private final AddressKey probe = new AddressKey(0, 0);
    private final long windowNs;
    private long lastHi = 1;
    private long lastLo = 1;
    private SourceStats last;

    SourceTier(int maxSize, long idleNs, long windowNs, Ticker ticker) {
        this.windowNs = windowNs;
        this.firstSight = new FirstSight(maxSize, idleNs);
        this.resident = new ResidentFilter(maxSize);
        ResidentFilter r = resident;
        this.cache = Caffeine.newBuilder()
                .maximumSize(maxSize)
                .expireAfterAccess(Duration.ofNanos(idleNs))
                .ticker(ticker)
                .executor(Runnable::run)
                .<AddressKey, SourceStats>removalListener((k, v, cause) -> {
                    if (k != null) {
                        r.remove(k.hi(), k.lo());
                    }
                })
                .build();
    }

    /**
     * The address's stats, creating them when it has been seen before (within the idle time) or
     * when {@code admit} says it earned them otherwise (a completed handshake); null for a first
     * sighting.
     */
    SourceStats sighted(long hi, long lo, long nowNs, boolean admit) {
        if (last != null && lastHi == hi && lastLo == lo) {
            return last;
        }
        SourceStats s = peek(hi, lo);
        if (s == null && (firstSight.seenBefore(hi, lo, nowNs) || admit)) {
            s = new SourceStats(windowNs, nowNs);
            cache.put(probe.set(hi, lo).copy(), s);
            resident.add(hi, lo);
        }
        remember(hi, lo, s);
        return s;
    }

    /** The address's stats if it has any, without counting a sighting. */
    SourceStats cached(long hi, long lo) {
        if (lastHi == hi && lastLo == lo) {
            return last;
        }
        SourceStats s = peek(hi, lo);
        remember(hi, lo, s);
        return s;
    }

    /** A lookup that leaves the remembered key alone (reports, off the hot path). */
    SourceStats peek(long hi, long lo) {
        return resident.mightContain(hi, lo) ? cache.getIfPresent(probe.set(hi, lo)) : null;
    }

    private void remember(long hi, long lo, SourceStats s) {
        lastHi = hi;
        lastLo = lo;
        last = s;
    }

    long size() {
        return cache.estimatedSize();
    }

    FirstSight firstSight() {
        return firstSight;
    }
}
