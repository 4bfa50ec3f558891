package net.synguard.pressure;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * Per-address state for one kind of source key (single addresses, or prefixes): a Caffeine cache
 * bounded by size and idle time on the packet clock, a {@link FirstSight} table that keeps one-off
 * addresses out of it, a {@link ResidentFilter} that answers "not cached" without a hash-map
 * probe, and a {@link StatsIndex} that finds a cached address's stats without the map's chain of
 * objects. The last key looked up is remembered, because a SYN's rate update and its half-open
 * bookkeeping come one right after the other for the same address.
 *
 * <p>Lookups are quiet ({@code getIfPresentQuietly}: no read buffer, no reordering) except one
 * per entry per {@link #touchNs}, which tells the policy the entry is in use. Why: a flood that
 * cycles through a /16 makes every SYN a cache hit, and the policy's bookkeeping of each read
 * (read buffer, access-order reordering, the key comparisons of a cold map) was half of the capture
 * thread's time at 400k SYN/s in the lab. What it costs: an entry idles out up to one touch
 * interval (an eighth of {@code idle}) before {@code idle} is over, and the admission policy counts
 * at most one use per touch interval (heavy and light repeat sources look alike to it; the
 * per-destination top sources are counted elsewhere, exactly).
 */
final class SourceTier {
    private final Cache<AddressKey, SourceStats> cache;
    private final FirstSight firstSight;
    private final ResidentFilter resident;
    private final StatsIndex index;
    private final Ticker ticker;
    private final Policy.FixedExpiration<AddressKey, SourceStats> idle;
    private final AddressKey probe = new AddressKey(0, 0);
    private final long windowNs;
    private final long touchNs;
    private final long idleNs;
    private long lastHi = 1;
    private long lastLo = 1;
    private SourceStats last;

    SourceTier(int maxSize, long idleNs, long windowNs, Ticker ticker) {
        this.windowNs = windowNs;
        // An eighth of the idle time (15 s of the default 120 s). It was a second: under the lab's
        // flood from 65,536 repeating sources at 100k SYN/s, that made every other SYN a policy
        // read (Caffeine's getIfPresent, its read buffer and reordering: 11% of the capture
        // thread); with an eighth, the thread's CPU per packet fell 12-15% (1.62 against 1.81 us,
        // tests/bench/live-capture.sh) and every golden capture gave the same events.
        this.touchNs = Math.max(1, idleNs / 8);
        this.idleNs = idleNs;
        this.ticker = ticker;
        this.firstSight = new FirstSight(maxSize, idleNs);
        this.resident = new ResidentFilter(maxSize);
        this.index = new StatsIndex(maxSize);
        ResidentFilter r = resident;
        StatsIndex x = index;
        this.cache = Caffeine.newBuilder()
                .maximumSize(maxSize)
                .expireAfterAccess(Duration.ofNanos(idleNs))
                .ticker(ticker)
                .executor(Runnable::run)
                .<AddressKey, SourceStats>removalListener((k, v, cause) -> {
                    if (k != null) {
                        r.remove(k.hi(), k.lo());
                    }
                    if (v != null) {
                        x.remove(v);
                    }
                })
                .build();
        this.idle = cache.policy().expireAfterAccess().orElseThrow();
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
        SourceStats s = lookup(hi, lo, nowNs);
        if (s == null && (firstSight.seenBefore(hi, lo, nowNs) || admit)) {
            s = new SourceStats(hi, lo, windowNs, nowNs);
            s.liveUntilNs = ticker.read() + idleNs; // the put's access time
            // Filter and index first: the put may evict the new entry at once (a full cache's
            // admission policy can prefer what it holds), and the removal notice must find it.
            resident.add(hi, lo);
            index.put(s);
            cache.put(probe.set(hi, lo).copy(), s);
            if (index.crowded()) {
                cache.cleanUp();
            }
        }
        remember(hi, lo, s);
        return s;
    }

    /**
     * Prefetch, first step: loads the lines a sighting of the address will read first (the filter's
     * block, the first-sight bucket). Under a spoofed flood each is a cache miss, and a sighting
     * reads them one after the other, each load waiting behind a branch on the last; loaded a few
     * frames ahead ({@code pipeline.PrefetchWindow}), they are there when the frame's turn comes.
     * Returns a value built from what it read, which the caller must use: an unused load is dead
     * code to the compiler.
     *
     * @param h the address's {@link Mix#hash}
     */
    long touch(long h) {
        return resident.touch(h) + firstSight.touch(h);
    }

    /**
     * Prefetch, second step (the filter's block is in cache by now): when the filter says the
     * address may be cached, loads its slot of the index.
     */
    long touchIndex(long h) {
        return resident.mightContainHash(h) ? index.touch(h) : 0;
    }

    /** The address's stats if it has any, without counting a sighting. */
    SourceStats cached(long hi, long lo) {
        if (lastHi == hi && lastLo == lo) {
            return last;
        }
        SourceStats s = resident.mightContain(hi, lo) ? find(hi, lo) : null;
        remember(hi, lo, s);
        return s;
    }

    /**
     * The cache's live entry for the address, as {@code getIfPresentQuietly} would return it, from
     * the index. The index may still hold stats that have idled out in the cache's view and wait
     * for its maintenance to remove them, so a hit counts only until {@code liveUntilNs}: the
     * cache's own expiry of the entry as last read from it (when the entry was put, and whenever
     * that moment has passed). The cache's access time never goes back, so before that moment the
     * entry is certainly live. After it, the cache decides and the moment is read again: once per
     * idle time per entry, or on every lookup of an entry that has expired and awaits removal.
     */
    private SourceStats find(long hi, long lo) {
        // The cache's clock, not the caller's time: a tick catching up on a quiet stretch of a
        // replay runs at times before the latest packet, and the cache judges by the latest.
        long nowNs = ticker.read();
        SourceStats s = index.get(hi, lo);
        if (s == null || nowNs < s.liveUntilNs) {
            return s;
        }
        SourceStats held = cache.policy().getIfPresentQuietly(probe.set(hi, lo));
        if (held != null) {
            // The cache does not always record a read as an access (it skips some), so its
            // entry's age, not our own touch times, says how long it lives.
            OptionalLong age = idle.ageOf(probe, TimeUnit.NANOSECONDS);
            held.liveUntilNs = age.isPresent() ? nowNs - age.getAsLong() + idleNs : nowNs;
        }
        return held;
    }

    /** The hot-path lookup: quiet, except a real access once per touch interval. */
    private SourceStats lookup(long hi, long lo, long nowNs) {
        if (!resident.mightContain(hi, lo)) {
            return null;
        }
        SourceStats s = find(hi, lo);
        if (s != null && nowNs - s.touchedNs >= touchNs) {
            s.touchedNs = nowNs;
            cache.getIfPresent(probe.set(hi, lo));
        }
        return s;
    }

    /** What the hot path finds for the address (filter, then index); for tests. */
    SourceStats indexed(long hi, long lo) {
        return resident.mightContain(hi, lo) ? find(hi, lo) : null;
    }

    /** What the cache itself holds for the address, without an access; for tests. */
    SourceStats held(long hi, long lo) {
        return cache.policy().getIfPresentQuietly(probe.set(hi, lo));
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
