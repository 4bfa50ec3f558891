package net.synguard.fuzz;

/**
 * Reads the values a fuzz target needs from the fuzzer's bytes, front to back; past the end every
 * value is 0. A target written against this (instead of Jazzer's FuzzedDataProvider, whose
 * implementation is native) replays its corpus in a plain JUnit test with nothing but the bytes.
 */
public final class FuzzInput {
    private final byte[] data;
    private int at;

    public FuzzInput(byte[] data) {
        this.data = data;
    }

    public int u8() {
        return at < data.length ? data[at++] & 0xFF : 0;
    }

    public boolean bool() {
        return (u8() & 1) != 0;
    }

    public int u16() {
        return u8() << 8 | u8();
    }

    public int int32() {
        return u16() << 16 | u16();
    }

    public long int64() {
        return (long) int32() << 32 | (int32() & 0xFFFF_FFFFL);
    }

    /** A value in {@code [lo, hi]} (at most 2^31 wide). */
    public int intIn(int lo, int hi) {
        long span = (long) hi - lo + 1;
        return (int) (lo + Math.floorMod((long) int32(), span));
    }

    /** Up to {@code max} bytes, as many as the next byte says. */
    public byte[] bytes(int max) {
        int n = Math.min(Math.min(u8(), max), data.length - at);
        byte[] out = java.util.Arrays.copyOfRange(data, at, at + n);
        at += n;
        return out;
    }

    /** Everything not read yet. */
    public byte[] rest() {
        byte[] out = java.util.Arrays.copyOfRange(data, Math.min(at, data.length), data.length);
        at = data.length;
        return out;
    }

    public boolean exhausted() {
        return at >= data.length;
    }
}
