package net.synguard.track;

/**
 * Seeded 64-bit hashes of flow keys for the track tables.
 *
 * <p>Two independent lanes (client address, server address) keep the dependency chain short; the
 * lanes use different constants so a flow and its mirror image do not collide, and a murmur3
 * {@code fmix64} finalizer spreads every input bit over the bits the tables index with. The seed
 * makes bucket placement unpredictable to a sender who does not know it (a fixed seed keeps
 * replays deterministic). This is not a keyed PRF: it raises the cost of aiming a flood at one
 * bucket, and the set-associative table bounds the damage if someone does (one bucket churns).
 */
final class FlowHash {
    private static final long GOLDEN = 0x9E37_79B9_7F4A_7C15L;
    private static final long M1 = 0xBF58_476D_1CE4_E5B9L;
    private static final long M2 = 0x94D0_49BB_1331_11EBL;

    private FlowHash() {}

    /** Hash of a half-open entry's key: client, server, and both ports packed as {@code cPort | sPort << 16}. */
    static long flow(long seed, long cHi, long cLo, long sHi, long sLo, int ports) {
        long c = step(step(seed ^ GOLDEN, cHi, M1), cLo, M1);
        long s = step(step(seed ^ M2, sHi, M2), sLo, M2);
        return fmix64(c ^ Long.rotateLeft(s, 29) ^ ((ports & 0xFFFF_FFFFL) * GOLDEN));
    }

    /** Hash of a (server address, server port) key for the per-port counts. */
    static long server(long seed, long sHi, long sLo, int sPort) {
        long s = step(step(seed ^ M1, sHi, M2), sLo, M2);
        return fmix64(s ^ (sPort * GOLDEN));
    }

    private static long step(long h, long v, long m) {
        h = (h ^ v) * m;
        return h ^ (h >>> 32);
    }

    /** MurmurHash3's 64-bit finalizer. */
    private static long fmix64(long h) {
        h ^= h >>> 33;
        h *= 0xFF51_AFD7_ED55_8CCDL;
        h ^= h >>> 33;
        h *= 0xC4CE_B9FE_1A85_EC53L;
        return h ^ (h >>> 33);
    }
}
