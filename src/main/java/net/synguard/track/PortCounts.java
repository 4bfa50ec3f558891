package net.synguard.track;

/**
 * Half-open entries per (server address, server port): a bounded open-addressing table of longs
 * with linear probing, kept at most half full so probes stay short.
 *
 * <pre>
 * keys: key k at keys[k * 3 ...]
 *   +0 sHi   server address, high 64 bits
 *   +1 sLo   server address, low 64 bits
 *   +2 word  bits 0-15 server port, bits 16-47 half-open count; count 0 = empty slot
 * </pre>
 *
 * A key leaves when its count drops to zero, by backward-shift deletion (Knuth, TAOCP vol. 3,
 * 6.4 algorithm R), so no tombstones build up under churn. A new key beyond {@code maxKeys} is
 * not stored: the caller remembers that the entry was not counted and counts the overflow.
 */
final class PortCounts {
    private static final int STRIDE = 3;
    private static final int COUNT_SHIFT = 16;
    private static final long ONE = 1L << COUNT_SHIFT;

    private final long[] keys;
    private final int mask;
    private final int maxKeys;
    private final long seed;
    private int size;

    PortCounts(int maxKeys, long seed) {
        if (maxKeys < 1 || maxKeys > HalfOpenTable.MAX_CAPACITY) {
            throw new IllegalArgumentException(
                    "port-count capacity: " + maxKeys + " (expected: 1.." + HalfOpenTable.MAX_CAPACITY + ")");
        }
        int slots = Integer.highestOneBit(maxKeys * 4 - 1); // next power of two >= 2 * maxKeys
        this.keys = new long[slots * STRIDE];
        this.mask = slots - 1;
        this.maxKeys = maxKeys;
        this.seed = seed;
    }

    int maxKeys() {
        return maxKeys;
    }

    int size() {
        return size;
    }

    /** Counts one more half-open entry for the key; false when the key is new and the table is full. */
    boolean increment(long sHi, long sLo, int sPort) {
        int i = home(sHi, sLo, sPort);
        while (true) {
            int base = i * STRIDE;
            long word = keys[base + 2];
            if (word == 0) {
                if (size == maxKeys) {
                    return false;
                }
                keys[base] = sHi;
                keys[base + 1] = sLo;
                keys[base + 2] = sPort | ONE;
                size++;
                return true;
            }
            if ((int) (word & 0xFFFF) == sPort && keys[base + 1] == sLo && keys[base] == sHi) {
                keys[base + 2] = word + ONE;
                return true;
            }
            i = (i + 1) & mask;
        }
    }

    /** Counts one entry less for a key that {@link #increment} counted. */
    void decrement(long sHi, long sLo, int sPort) {
        int i = indexOf(sHi, sLo, sPort);
        assert i >= 0 : "port " + sPort + " was counted but has no count";
        if (i < 0) {
            return; // never on the hot path: a bookkeeping bug must not stop the capture thread
        }
        long word = keys[i * STRIDE + 2] - ONE;
        if ((word >>> COUNT_SHIFT) != 0) {
            keys[i * STRIDE + 2] = word;
        } else {
            removeAt(i);
            size--;
        }
    }

    int get(long sHi, long sLo, int sPort) {
        int i = indexOf(sHi, sLo, sPort);
        return i < 0 ? 0 : (int) (keys[i * STRIDE + 2] >>> COUNT_SHIFT);
    }

    void forEach(PortCountVisitor visitor) {
        for (int i = 0; i <= mask; i++) {
            int base = i * STRIDE;
            long word = keys[base + 2];
            if (word != 0) {
                visitor.visit(keys[base], keys[base + 1], (int) (word & 0xFFFF), (int) (word >>> COUNT_SHIFT));
            }
        }
    }

    private int indexOf(long sHi, long sLo, int sPort) {
        int i = home(sHi, sLo, sPort);
        while (true) {
            int base = i * STRIDE;
            long word = keys[base + 2];
            if (word == 0) {
                return -1;
            }
            if ((int) (word & 0xFFFF) == sPort && keys[base + 1] == sLo && keys[base] == sHi) {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    /** Empties slot i and moves later entries of its probe run back so every key stays reachable. */
    private void removeAt(int i) {
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            int from = j * STRIDE;
            long word = keys[from + 2];
            if (word == 0) {
                break;
            }
            int home = home(keys[from], keys[from + 1], (int) (word & 0xFFFF));
            // The entry at j may stay only if its home lies cyclically in (i, j].
            boolean stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
            if (!stays) {
                int to = i * STRIDE;
                keys[to] = keys[from];
                keys[to + 1] = keys[from + 1];
                keys[to + 2] = word;
                i = j;
            }
        }
        int base = i * STRIDE;
        keys[base] = 0;
        keys[base + 1] = 0;
        keys[base + 2] = 0;
    }

    private int home(long sHi, long sLo, int sPort) {
        return (int) FlowHash.server(seed, sHi, sLo, sPort) & mask;
    }
}
