package net.synguard.pressure;

import java.util.Arrays;

/**
 * Distinct-count estimate in a fixed byte array (Flajolet, Fusy, Gandouet and Meunier, 2007), with
 * the small-range correction by linear counting from Heule, Nunkesser and Hall (2013). With
 * {@code p} index bits it holds 2^p registers and errs by about 1.04 / sqrt(2^p): p = 11 is 2 KiB
 * and 2.3%, enough to tell ten spoofed sources from ten thousand.
 */
public final class HyperLogLog {
    private final int p;
    private final byte[] registers;

    public HyperLogLog(int p) {
        if (p < 4 || p > 16) {
            throw new IllegalArgumentException("p must be 4..16: " + p);
        }
        this.p = p;
        this.registers = new byte[1 << p];
    }

    /** Adds an element by its 64-bit hash (use a well-mixed hash). */
    public void addHash(long hash) {
        int index = (int) (hash >>> (64 - p));
        // Rank of the first 1 bit in the remaining bits; the sentinel bit caps it at 64 - p + 1.
        long rest = (hash << p) | (1L << (p - 1));
        int rank = Long.numberOfLeadingZeros(rest) + 1;
        if (rank > registers[index]) {
            registers[index] = (byte) rank;
        }
    }

    public long estimate() {
        int m = registers.length;
        double sum = 0;
        int zeros = 0;
        for (byte r : registers) {
            sum += 1.0 / (1L << r);
            if (r == 0) {
                zeros++;
            }
        }
        double alpha = 0.7213 / (1 + 1.079 / m);
        double raw = alpha * m * (double) m / sum;
        if (raw <= 2.5 * m && zeros > 0) {
            return Math.round(m * Math.log((double) m / zeros));
        }
        return Math.round(raw);
    }

    public void clear() {
        Arrays.fill(registers, (byte) 0);
    }
}
