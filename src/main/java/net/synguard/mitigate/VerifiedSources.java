package net.synguard.mitigate;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import net.synguard.pressure.AddressKey;

/**
 * Sources that answered a SYN cookie (DESIGN.md, "Mitigation"), each remembered for the verified
 * timeout after its last verification; the same sources are in the nftables {@code verified} sets
 * with the same timeout, so the kernel and the responder agree on who passes. Shared by every
 * capture thread; Caffeine bounds it by size and expires entries on the monotonic clock (the
 * threads' packet clocks are not one clock).
 */
public final class VerifiedSources {
    /** Most remembered sources: about 100 bytes each in Caffeine, 100 MB at the limit. */
    public static final long MAX_SOURCES = 1L << 20;

    /** Most sources remembered as revoked (each one flooded from a real, verified address). */
    static final long MAX_REVOKED = 1L << 16;

    /** Absent value of {@link #verifiedAt}. */
    static final long NOT_VERIFIED = Long.MIN_VALUE;

    // The value: the monotonic time of the last verification, to tell whether nft has it yet.
    private final Cache<AddressKey, Long> cache;
    /**
     * Sources whose verification was revoked (they flooded from their own address), for {@code
     * revokedFor}: a valid cookie from one of them verifies nothing. Its own stack answers every
     * retry SYN-ACK with the RST that would verify it again.
     */
    private final Cache<AddressKey, Boolean> revoked;

    public VerifiedSources(Duration timeout) {
        this(timeout, timeout);
    }

    public VerifiedSources(Duration timeout, Duration revokedFor) {
        this.cache = Caffeine.newBuilder()
                .maximumSize(MAX_SOURCES)
                .expireAfterWrite(timeout)
                .executor(Runnable::run)
                .build();
        this.revoked = Caffeine.newBuilder()
                .maximumSize(MAX_REVOKED)
                .expireAfterWrite(revokedFor)
                .executor(Runnable::run)
                .build();
    }

    /**
     * When {@code (hi, lo)} was last verified (monotonic ns), or {@link #NOT_VERIFIED}; {@code
     * probe} is the calling thread's own key.
     */
    long verifiedAt(long hi, long lo, AddressKey probe) {
        Long at = cache.getIfPresent(probe.set(hi, lo));
        return at == null ? NOT_VERIFIED : at;
    }

    /** Public form for tests and status (allocates a key). */
    public boolean contains(long hi, long lo) {
        return cache.getIfPresent(new AddressKey(hi, lo)) != null;
    }

    /**
     * Marks {@code (hi, lo)} verified at {@code monotonicNs}, restarting its timeout; true when it
     * was not verified before.
     */
    public boolean add(long hi, long lo, long monotonicNs) {
        return cache.asMap().put(new AddressKey(hi, lo), monotonicNs) == null;
    }

    /**
     * Ends {@code (hi, lo)}'s verification and keeps it from being verified again for the revoked
     * period; true when it was verified.
     */
    public boolean revoke(long hi, long lo) {
        AddressKey key = new AddressKey(hi, lo);
        revoked.put(key, Boolean.TRUE);
        return cache.asMap().remove(key) != null;
    }

    /** Whether {@code (hi, lo)} is revoked now; {@code probe} is the calling thread's own key. */
    boolean revoked(long hi, long lo, AddressKey probe) {
        return revoked.getIfPresent(probe.set(hi, lo)) != null;
    }

    /**
     * Calls {@code action} with each source still verified at {@code nowMonotonicNs} and the
     * milliseconds left of its timeout (at least 1): the state a restored table needs.
     */
    void forEachLive(long nowMonotonicNs, long timeoutMs, LiveSource action) {
        cache.asMap().forEach((key, at) -> {
            long leftMs = timeoutMs - (nowMonotonicNs - at) / 1_000_000L;
            if (leftMs >= 1) {
                action.accept(key.hi(), key.lo(), Math.min(leftMs, timeoutMs));
            }
        });
    }

    /** A verified source and what is left of its timeout. */
    @FunctionalInterface
    interface LiveSource {
        void accept(long hi, long lo, long leftMs);
    }

    public long size() {
        return cache.estimatedSize();
    }
}
