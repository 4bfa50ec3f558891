package net.synguard.mitigate;

/**
 * One generation of cookie secrets: K1 keys the flow hash, K2 the flow-and-counter hash (Linux's
 * {@code syncookie_secret[0]} and {@code [1]}). Each is a 128-bit SipHash key given as its two
 * little-endian 64-bit halves.
 */
record CookieSecret(long k1a, long k1b, long k2a, long k2b) {

    @Override
    public String toString() {
        return "CookieSecret[redacted]";
    }
}
