package net.synguard.pressure;

/**
 * 64-bit hashing of addresses for the sketches and first-sight tables: the finaliser of
 * SplitMix64 (Steele, Lea and Flood, OOPSLA 2014), which spreads every input bit over the output.
 * Deterministic on purpose: a replay must make the same decisions every time.
 */
final class Mix {
    private Mix() {}

    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    static long hash(long hi, long lo) {
        return mix64(hi * 0x9E3779B97F4A7C15L + mix64(lo));
    }
}
