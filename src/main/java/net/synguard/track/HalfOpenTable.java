package net.synguard.track;

/**
 * The half-open entries: a fixed set-associative table of primitive longs, allocated once.
 *
 * <p>The kernel keeps request sockets in its established hash, unbounded but for the listener's
 * backlog ({@code net/ipv4/inet_connection_sock.c}, {@code inet_csk_reqsk_queue_hash_add}); an
 * observer must not grow with a flood, so here a flow hashes to one bucket of {@link #WAYS} ways
 * and a full bucket gives up its oldest entry. Lookup touches one tag word and, for a tag match,
 * one entry; a miss (the usual case in a spoofed flood) touches only the tag word.
 *
 * <pre>
 * slots: entry e at slots[6 + e * 8 ...]                   heads: one 64-byte line per bucket:
 *                                                           tag word, 4 longs of ages, padding
 *   +0 cHi   client address, high 64 bits                     byte w = fingerprint of way w,
 *   +1 cLo   client address, low 64 bits                      0 = way empty
 *   +2 sHi   server address, high 64 bits
 *   +3 sLo   server address, low 64 bits
 *   +4 meta  bits  0-15 client port     16-31 server port
 *            bits 32-39 state           40-47 SYN retransmits (saturating)
 *            bits 48-55 SYN-ACK retransmits (saturating)    56 counted in the per-port table
 *            bits 57-63 the listener's mark
 *   +5 isns  client ISN &lt;&lt; 32 | server ISN
 *   +6 firstNs  packet time of the SYN that opened the entry (the expiry clock starts here)
 *   +7 lastNs   packet time of the last segment that matched
 * </pre>
 *
 * Entry e lives in bucket e / 8, way e % 8. 64 bytes an entry, plus 8 bytes in its bucket's head
 * line (tag byte, 32-bit age, padding): 72 bytes an entry in all.
 */
final class HalfOpenTable {
    static final int WAYS = 8;
    static final int C_HI = 0;
    static final int C_LO = 1;
    static final int S_HI = 2;
    static final int S_LO = 3;
    static final int META = 4;
    static final int ISNS = 5;
    static final int FIRST_NS = 6;
    static final int LAST_NS = 7;
    private static final int STRIDE_SHIFT = 3;

    /** Largest accepted capacity: 2^26 entries (4 GiB of slots) keeps every index in an int. */
    static final int MAX_CAPACITY = 1 << 26;

    static final int STATE_SHIFT = 32;
    static final int SYN_RTX_SHIFT = 40;
    static final int SYN_ACK_RTX_SHIFT = 48;
    static final long PORT_COUNTED = 1L << 56;
    /** Bits 57-63: the listener's mark ({@link HandshakeListener#opened}). */
    static final int MARK_SHIFT = 57;

    private static final int HEAD_STRIDE = 8;
    /**
     * Where bucket 0's line starts: a long[]'s elements begin 16 bytes into the object, and a large
     * array (the heap allocates these in their own region) starts on a region boundary, so an
     * offset of 6 longs puts every bucket's line on a 64-byte boundary.
     */
    private static final int HEAD_BASE = 6;

    /** Where entry 0 starts: as {@link #HEAD_BASE}, so that each 64-byte entry is one cache line. */
    private static final int SLOT_BASE = 6;

    private static final int AGE_SHIFT = 10;

    private static final long ONES = 0x0101_0101_0101_0101L;
    private static final long HIGHS = 0x8080_8080_8080_8080L;

    private final long[] slots;
    /**
     * Per bucket, one 64-byte line: the tag word, then the ways' ages (firstNs in units of 1024 ns,
     * 32 bits each, two to a long), then padding. A lookup reads the tag word; choosing the oldest
     * way for an eviction reads the ages on the same line. Under a spoofed flood every SYN evicts,
     * and before this the tags, the ages and the eight entries were each a cache miss.
     */
    private final long[] heads;

    private final int bucketMask;
    private final long seed;

    HalfOpenTable(int capacity, long seed) {
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException(
                    "half-open capacity: " + capacity + " (expected: 1.." + MAX_CAPACITY + ")");
        }
        int buckets = Integer.highestOneBit(Math.max(1, (capacity + WAYS - 1) / WAYS) * 2 - 1);
        this.heads = new long[HEAD_BASE + buckets * HEAD_STRIDE];
        this.slots = new long[SLOT_BASE + (buckets * WAYS << STRIDE_SHIFT)];
        this.bucketMask = buckets - 1;
        this.seed = seed;
    }

    int bucketCount() {
        return bucketMask + 1;
    }

    int slotCount() {
        return (bucketMask + 1) * WAYS;
    }

    long hash(long cHi, long cLo, long sHi, long sLo, int ports) {
        return FlowHash.flow(seed, cHi, cLo, sHi, sLo, ports);
    }

    /** Ports packed as the low 32 bits of meta. */
    static int ports(int cPort, int sPort) {
        return (cPort & 0xFFFF) | (sPort & 0xFFFF) << 16;
    }

    /** The slot holding the key, or -1. */
    int find(long h, long cHi, long cLo, long sHi, long sLo, int ports) {
        int bucket = (int) h & bucketMask;
        long tagWord = heads[HEAD_BASE + bucket * HEAD_STRIDE];
        long fp = fingerprint(h);
        long x = tagWord ^ (fp * ONES);
        // Bytes of x that are zero are candidate ways. The SWAR test may also flag a byte above a
        // true match, so each candidate's tag is checked before its entry is read.
        long m = (x - ONES) & ~x & HIGHS;
        while (m != 0) {
            int shift = Long.numberOfTrailingZeros(m) & ~7;
            if (((tagWord >>> shift) & 0xFF) == fp) {
                int base = entry(bucket * WAYS + (shift >>> 3));
                if ((int) slots[base + META] == ports
                        && slots[base + C_LO] == cLo
                        && slots[base + S_LO] == sLo
                        && slots[base + C_HI] == cHi
                        && slots[base + S_HI] == sHi) {
                    return (base - SLOT_BASE) >>> STRIDE_SHIFT;
                }
            }
            m &= m - 1;
        }
        return -1;
    }

    /** Reads the key's bucket head line (tags and ages) and returns its tag word. */
    long touch(long h) {
        return heads[HEAD_BASE + ((int) h & bucketMask) * HEAD_STRIDE];
    }

    /**
     * Reads the entry a SYN of the key would take now (a free way, or the oldest), once its head
     * line is in cache; returns a word of it. Only a guess: frames before it may change the bucket.
     */
    long touchVictim(long h) {
        int slot = freeSlot(h);
        if (slot < 0) {
            slot = oldestSlot(h);
        }
        return slots[entry(slot) + META];
    }

    /** An empty slot in the key's bucket, or -1 when all its ways are taken. */
    int freeSlot(long h) {
        int bucket = (int) h & bucketMask;
        long tagWord = heads[HEAD_BASE + bucket * HEAD_STRIDE];
        long m = (tagWord - ONES) & ~tagWord & HIGHS; // the lowest flagged byte is a true zero
        return m == 0 ? -1 : bucket * WAYS + (Long.numberOfTrailingZeros(m) >>> 3);
    }

    /**
     * The slot with the smallest firstNs in the key's (full) bucket; the lowest way on ties.
     * Branch-free: in a flood the ways' ages are in random order, and a compare-and-branch here
     * mispredicted often enough to cost more than the rest of the SYN path together.
     */
    int oldestSlot(long h) {
        int bucket = (int) h & bucketMask;
        int line = HEAD_BASE + bucket * HEAD_STRIDE + 1;
        int oldestWay = 0;
        int oldest = age(heads[line], 0);
        for (int way = 1; way < WAYS; way++) {
            int a = age(heads[line + (way >>> 1)], way & 1);
            // All ones when a is older. Ages are 32-bit units of 1024 ns and wrap every 73 minutes:
            // the difference is right while the ways' first SYNs lie within 36 minutes of each
            // other, and the expiry sweep keeps entries far younger than that (63 s by default).
            int older = (a - oldest) >> 31;
            oldest = (a & older) | (oldest & ~older);
            oldestWay = (way & older) | (oldestWay & ~older);
        }
        return bucket * WAYS + oldestWay;
    }

    void put(int slot, long h, long cHi, long cLo, long sHi, long sLo, long meta, long isns, long nowNs) {
        int base = entry(slot);
        slots[base + C_HI] = cHi;
        slots[base + C_LO] = cLo;
        slots[base + S_HI] = sHi;
        slots[base + S_LO] = sLo;
        slots[base + META] = meta;
        slots[base + ISNS] = isns;
        slots[base + FIRST_NS] = nowNs;
        slots[base + LAST_NS] = nowNs;
        int head = HEAD_BASE + (slot / WAYS) * HEAD_STRIDE;
        int way = slot & (WAYS - 1);
        int ageLong = head + 1 + (way >>> 1);
        int ageShift = (way & 1) << 5;
        heads[ageLong] =
                (heads[ageLong] & ~(0xFFFF_FFFFL << ageShift)) | ((nowNs >>> AGE_SHIFT) & 0xFFFF_FFFFL) << ageShift;
        int tagShift = way << 3;
        heads[head] = (heads[head] & ~(0xFFL << tagShift)) | (fingerprint(h) << tagShift);
    }

    void clear(int slot) {
        int shift = (slot & (WAYS - 1)) << 3;
        int bucket = slot / WAYS;
        heads[HEAD_BASE + bucket * HEAD_STRIDE] &= ~(0xFFL << shift);
        // Zero meta too so a sweep or a debugger never mistakes the leftovers for an entry.
        slots[entry(slot) + META] = 0;
    }

    /** Whether no way of the bucket holds an entry (one read of its tag word). */
    boolean bucketEmpty(int bucket) {
        return heads[HEAD_BASE + bucket * HEAD_STRIDE] == 0;
    }

    boolean occupied(int slot) {
        return tagOf(slot) != 0;
    }

    long get(int slot, int field) {
        return slots[entry(slot) + field];
    }

    void set(int slot, int field, long value) {
        slots[entry(slot) + field] = value;
    }

    /** Index in {@code slots} of the slot's first field. */
    private static int entry(int slot) {
        return SLOT_BASE + (slot << STRIDE_SHIFT);
    }

    private int tagOf(int slot) {
        return (int) (heads[HEAD_BASE + (slot / WAYS) * HEAD_STRIDE] >>> ((slot & (WAYS - 1)) << 3)) & 0xFF;
    }

    /** 1..255 from hash bits the bucket index does not use (never 0: that marks an empty way). */
    private static int age(long packed, int half) {
        return (int) (packed >>> (half << 5));
    }

    private static long fingerprint(long h) {
        long fp = h >>> 56;
        return fp == 0 ? 1 : fp;
    }

    static int state(long meta) {
        return (int) (meta >>> STATE_SHIFT) & 0xFF;
    }

    static int clientPort(long meta) {
        return (int) meta & 0xFFFF;
    }

    static int serverPort(long meta) {
        return (int) (meta >>> 16) & 0xFFFF;
    }

    static long withState(long meta, int state) {
        return (meta & ~(0xFFL << STATE_SHIFT)) | ((long) state << STATE_SHIFT);
    }

    /** Adds one to the 8-bit counter at {@code shift}, stopping at 255. */
    static long bump(long meta, int shift) {
        return ((meta >>> shift) & 0xFF) == 0xFF ? meta : meta + (1L << shift);
    }
}
