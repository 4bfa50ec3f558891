package net.synguard.pressure;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import net.synguard.decode.Addresses;

/**
 * Backlog pressure per source address, per source prefix (/24 and /64 by default) and per
 * destination address, plus global totals.
 *
 * <p>Per-source and per-prefix state lives in Caffeine caches bounded by size and idle time, with the
 * packet clock as their ticker. A source enters its cache on its second SYN or on its first
 * completed handshake ({@link FirstSight}): the one-SYN sources of a spoofed flood never cost an
 * entry, while every real client and every repeat offender gets one. Destinations are few; an address
 * under attack is pinned (weight 0) so that eviction cannot lose its counts mid-attack.
 *
 * <p>Single writer: the capture thread. The caches run their maintenance on that thread too
 * ({@code executor(Runnable::run)}), so nothing happens behind its back.
 */
public final class PressureTables {
    /** How long a destination's sketches cover while it is not under attack. */
    public static final long SKETCH_PERIOD_NS = 10_000_000_000L;

    private final long windowNs;
    private final int ipv4PrefixBits;
    private final int ipv6PrefixBits;
    private final SourceTier sources;
    private final SourceTier prefixes;
    private final Cache<AddressKey, DestinationStats> destinations;
    private final AddressKey probe = new AddressKey(0, 0);
    private final SlidingRate globalSynRate;
    private long syns;
    private long completed;
    private long failed;

    // The last destination looked up: a SYN's half-open bookkeeping follows its rate update at
    // once, for the same address, so this saves the second hash lookup.
    private DestinationStats lastDst;

    /**
     * @param maxSources per-source entries in the cache (first sightings are kept apart, as many)
     * @param maxPrefixes per-prefix entries (first sightings apart, as many)
     * @param maxDestinations destination addresses (those under attack do not count)
     * @param idleNs entries not touched for this long are dropped
     * @param ticker the packet clock
     */
    public PressureTables(
            int maxSources,
            int maxPrefixes,
            int maxDestinations,
            long idleNs,
            int ipv4PrefixBits,
            int ipv6PrefixBits,
            long windowNs,
            Ticker ticker) {
        this.windowNs = windowNs;
        this.ipv4PrefixBits = ipv4PrefixBits;
        this.ipv6PrefixBits = ipv6PrefixBits;
        this.sources = new SourceTier(maxSources, idleNs, windowNs, ticker);
        this.prefixes = new SourceTier(maxPrefixes, idleNs, windowNs, ticker);
        this.destinations = Caffeine.newBuilder()
                .maximumWeight(maxDestinations)
                .<AddressKey, DestinationStats>weigher((k, v) -> v.pinned ? 0 : 1)
                .expireAfterAccess(java.time.Duration.ofNanos(Math.max(idleNs, SKETCH_PERIOD_NS)))
                .ticker(ticker)
                .executor(Runnable::run)
                .build();
        this.globalSynRate = new SlidingRate(windowNs);
    }

    /** A SYN from client {@code c} to server {@code s}; returns the server's stats. */
    public DestinationStats onSyn(long cHi, long cLo, long sHi, long sLo, int sPort, long nowNs) {
        syns++;
        globalSynRate.add(nowNs, 1);

        DestinationStats d = destination(sHi, sLo, nowNs);
        d.syns++;
        d.synRate.add(nowNs, 1);
        if (!d.pinned && nowNs - d.sketchStartNs >= SKETCH_PERIOD_NS) {
            d.clearSketches(nowNs);
        }
        d.sketchSyns++;
        d.sources.addHash(Mix.hash(cHi, cLo));
        d.ports.addHash(Mix.mix64(sPort + 0x5bd1e995L));
        d.topPorts.add(0, sPort, 1);

        // Heavy hitters are repeaters by definition, so the top-source and top-prefix sketches
        // only hear from addresses seen before: the one-SYN sources of a spoofed flood would only
        // churn the sketch's counters, at a scan of every counter per SYN. A source that has just
        // been admitted brings its first SYN along.
        countSyn(sources.sighted(cHi, cLo, nowNs, false), d.topSources, cHi, cLo, nowNs);
        long pHi = prefixHi(cHi, cLo);
        long pLo = prefixLo(cHi, cLo);
        countSyn(prefixes.sighted(pHi, pLo, nowNs, false), d.topPrefixes, pHi, pLo, nowNs);
        return d;
    }

    /** The hash of a source address that {@link #touch} and {@link #touchIndex} take. */
    public long sourceHash(long hi, long lo) {
        return Mix.hash(hi, lo);
    }

    /** The hash of a source address's prefix that {@link #touch} and {@link #touchIndex} take. */
    public long prefixHash(long hi, long lo) {
        return Mix.hash(prefixHi(hi, lo), prefixLo(hi, lo));
    }

    /**
     * Prefetch for a SYN a few frames ahead, first step: loads the lines {@link #onSyn} will read
     * first for the source and its prefix (see {@code SourceTier.touch}). Returns a value the
     * caller must use.
     *
     * @param sourceHash {@link #sourceHash} of the source
     * @param prefixHash {@link #prefixHash} of the source
     */
    public long touch(long sourceHash, long prefixHash) {
        return sources.touch(sourceHash) + prefixes.touch(prefixHash);
    }

    /** Prefetch, second step, once the first step's lines are in: the index slots it points at. */
    public long touchIndex(long sourceHash, long prefixHash) {
        return sources.touchIndex(sourceHash) + prefixes.touchIndex(prefixHash);
    }

    /** A SYN from a source (or prefix) that has stats: into them and into the destination's sketch. */
    private static void countSyn(SourceStats s, SpaceSaving top, long hi, long lo, long nowNs) {
        if (s == null) {
            return;
        }
        top.add(hi, lo, s.syns == 0 ? 2 : 1);
        s.syns++;
        s.synRate.add(nowNs, 1);
        s.lastSeenNs = nowNs;
    }

    /** {@link #onHalfOpenOpened}'s mark: the source had a cache entry when the handshake opened. */
    public static final int MARK_SOURCE = 1;
    /** {@link #onHalfOpenOpened}'s mark: the source's prefix had a cache entry. */
    public static final int MARK_PREFIX = 2;

    /**
     * A handshake became half-open (its first SYN). Returns which of the source and its prefix
     * counted it ({@link #MARK_SOURCE}, {@link #MARK_PREFIX}), for {@link #onHalfOpenClosed}.
     */
    public int onHalfOpenOpened(long cHi, long cLo, long sHi, long sLo, long nowNs) {
        DestinationStats d = destination(sHi, sLo, nowNs);
        d.halfOpen++;
        d.halfOpenSynSeen++;
        int mark = 0;
        SourceStats src = sources.cached(cHi, cLo);
        if (src != null) {
            src.halfOpen++;
            mark |= MARK_SOURCE;
        }
        SourceStats pfx = prefixes.cached(prefixHi(cHi, cLo), prefixLo(cHi, cLo));
        if (pfx != null) {
            pfx.halfOpen++;
            mark |= MARK_PREFIX;
        }
        return mark;
    }

    /** The server answered a half-open handshake with its SYN-ACK. */
    public void onSynAckSeen(long sHi, long sLo, long nowNs) {
        DestinationStats d = destination(sHi, sLo, nowNs);
        if (d.halfOpenSynSeen > 0) {
            d.halfOpenSynSeen--;
            d.halfOpenSynAckSeen++;
        }
    }

    /**
     * A half-open handshake ended: completed, or failed (refused, aborted, timed out, evicted).
     *
     * @param synAckSeen whether it had reached the SYN-ACK stage
     * @param mark what {@link #onHalfOpenOpened} returned: a handshake that failed is charged to
     *     the source and prefix that counted it, and only those, with no lookup for the others. In
     *     a spoofed flood every SYN evicts the oldest half-open entry of a one-off source, and this
     *     spares two cache misses per SYN.
     */
    public void onHalfOpenClosed(
            long cHi,
            long cLo,
            long sHi,
            long sLo,
            boolean synAckSeen,
            boolean completedHandshake,
            int mark,
            long nowNs) {
        DestinationStats d = lastDst != null && lastDst.hi == sHi && lastDst.lo == sLo
                ? lastDst
                : destinations.getIfPresent(probe.set(sHi, sLo));
        if (d != null) {
            if (d.halfOpen > 0) {
                d.halfOpen--;
            }
            if (synAckSeen) {
                if (d.halfOpenSynAckSeen > 0) {
                    d.halfOpenSynAckSeen--;
                }
            } else if (d.halfOpenSynSeen > 0) {
                d.halfOpenSynSeen--;
            }
            if (completedHandshake) {
                d.completed++;
                d.completedRate.add(nowNs, 1);
            } else {
                d.failed++;
            }
        }
        if (completedHandshake) {
            completed++;
        } else {
            failed++;
        }
        // A completed handshake proves a real peer: it earns a cache entry even on its first SYN,
        // so that the report can tell it from the flood around it.
        if (completedHandshake) {
            long pHi = prefixHi(cHi, cLo);
            long pLo = prefixLo(cHi, cLo);
            closeOn(sources.sighted(cHi, cLo, nowNs, true), (mark & MARK_SOURCE) != 0, true);
            closeOn(prefixes.sighted(pHi, pLo, nowNs, true), (mark & MARK_PREFIX) != 0, true);
            return;
        }
        if ((mark & MARK_SOURCE) != 0) {
            closeOn(sources.cached(cHi, cLo), true, false);
        }
        if ((mark & MARK_PREFIX) != 0) {
            closeOn(prefixes.cached(prefixHi(cHi, cLo), prefixLo(cHi, cLo)), true, false);
        }
    }

    private static void closeOn(SourceStats s, boolean countedOpen, boolean completedHandshake) {
        if (s == null) {
            return;
        }
        if (countedOpen && s.halfOpen > 0) {
            s.halfOpen--;
        }
        if (completedHandshake) {
            s.completed++;
        } else {
            s.failed++;
        }
    }

    /** Pins a destination under attack so that size eviction cannot drop it; unpin when it ends. */
    public void pin(DestinationStats d, boolean pin) {
        if (d.pinned != pin) {
            d.pinned = pin;
            // Re-insert so that Caffeine weighs the entry again.
            destinations.put(new AddressKey(d.hi, d.lo), d);
        }
    }

    /** Clears a destination's sketches, as at the start of a new observation period. */
    public void restartSketches(DestinationStats d, long nowNs) {
        d.clearSketches(nowNs);
    }

    /** The cached stats of a source, or null when it has none (seen once, or never). */
    public SourceStats sourceStats(long hi, long lo) {
        return sources.peek(hi, lo);
    }

    public DestinationStats destinationStats(long hi, long lo) {
        return destinations.getIfPresent(probe.set(hi, lo));
    }

    public long prefixHi(long hi, long lo) {
        return Addresses.prefixHi(hi, lo, ipv4PrefixBits, ipv6PrefixBits);
    }

    public long prefixLo(long hi, long lo) {
        return Addresses.prefixLo(hi, lo, ipv4PrefixBits, ipv6PrefixBits);
    }

    public int prefixBits(long hi, long lo) {
        return Addresses.isIpv4(hi, lo) ? ipv4PrefixBits : ipv6PrefixBits;
    }

    private DestinationStats destination(long sHi, long sLo, long nowNs) {
        DestinationStats d = lastDst;
        if (d != null && d.hi == sHi && d.lo == sLo) {
            return d;
        }
        d = destinations.getIfPresent(probe.set(sHi, sLo));
        if (d == null) {
            d = new DestinationStats(sHi, sLo, windowNs, nowNs);
            destinations.put(probe.copy(), d);
        }
        lastDst = d;
        return d;
    }

    public double globalSynRate(long nowNs) {
        return globalSynRate.perSecond(nowNs);
    }

    public long syns() {
        return syns;
    }

    public long completed() {
        return completed;
    }

    public long failed() {
        return failed;
    }

    /** Sources in the cache now (seen twice, or completed a handshake). */
    public long trackedSources() {
        return sources.size();
    }

    public long trackedPrefixes() {
        return prefixes.size();
    }

    public long trackedDestinations() {
        return destinations.estimatedSize();
    }

    public FirstSight sourceFirstSight() {
        return sources.firstSight();
    }

    public FirstSight prefixFirstSight() {
        return prefixes.firstSight();
    }
}
