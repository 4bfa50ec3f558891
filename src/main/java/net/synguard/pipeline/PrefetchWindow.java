package net.synguard.pipeline;

import net.synguard.decode.TcpSegment;

/**
 * The frames a {@link Pipeline} holds back so that the table lines each one will need are in the
 * CPU's cache when its turn comes: a batch of decoded frames, in arrival order.
 *
 * <p>Why: under a spoofed flood a SYN's work is a handful of loads from tables far larger than the
 * cache, at addresses that hash to anywhere: the source's and the prefix's filter block and
 * first-sight bucket, the half-open bucket's head line, then the entry it evicts. Each is a miss,
 * and the code reads them one after another, so the core waits for memory several times per SYN.
 * Java has no prefetch instruction, and a plain load issued a few frames early stalls the core
 * as much as a late one (it must complete before anything after it retires); but loads issued
 * together, in a short loop over a whole batch, are in flight together, and the core waits for
 * them about once. So frames are copied and decoded as they arrive, and when the batch is full
 * (or the source drains) the pipeline loads the batch's lines in two passes and then processes
 * the frames in order:
 *
 * <pre>
 *   arrival:   copy, decode; a SYN's three hashes (flow, source, prefix)
 *   pass 1:    for every SYN held: the filter blocks, the first-sight buckets, the half-open
 *              bucket's head line
 *   pass 2:    for every SYN held, from pass 1's lines: the index slots of possibly cached
 *              sources, the half-open entry the SYN would evict
 *   process:   every frame, oldest first, exactly as without the window
 * </pre>
 *
 * Nothing is decided early: the loads only warm the cache, frames are processed strictly in order
 * with the same inputs, and the output is the same as without the window (differential tests).
 * A held frame waits for later frames, so a live source must say when it has no more at hand
 * ({@code FrameHandler.onDrained}). Frames longer than {@link #SLOT_BYTES} are not held (the
 * pipeline processes the batch, then the frame, in order): SYNs are short, and copying a jumbo
 * data segment would cost more than it saves.
 */
final class PrefetchWindow {
    /** Bytes a slot holds: the headers of a SYN with any options, VLAN tags and IPv6 extensions. */
    static final int SLOT_BYTES = 512;

    private final int mask;
    private final byte[][] frames;
    private final int[] lengths;
    private final long[] timestamps;
    private final TcpSegment[] segments;
    private final boolean[] decoded;
    /** The slots of the SYNs held, whose hashes are in the arrays below. */
    private final int[] synSlots;

    private int syns;
    private final long[] flowHashes;
    private final long[] sourceHashes;
    private final long[] prefixHashes;

    /** Sequence number of the oldest frame held, and of the next to arrive. */
    private long head;

    private long tail;

    /** @param depth frames held, a power of two of at least 2 */
    PrefetchWindow(int depth) {
        if (depth < 2 || Integer.bitCount(depth) != 1) {
            throw new IllegalArgumentException("prefetch depth: " + depth + " (expected: a power of two >= 2)");
        }
        this.mask = depth - 1;
        this.frames = new byte[depth][SLOT_BYTES];
        this.lengths = new int[depth];
        this.timestamps = new long[depth];
        this.segments = new TcpSegment[depth];
        for (int i = 0; i < depth; i++) {
            segments[i] = new TcpSegment();
        }
        this.decoded = new boolean[depth];
        this.synSlots = new int[depth];
        this.flowHashes = new long[depth];
        this.sourceHashes = new long[depth];
        this.prefixHashes = new long[depth];
    }

    int depth() {
        return mask + 1;
    }

    boolean full() {
        return tail - head > mask;
    }

    boolean isEmpty() {
        return tail == head;
    }

    /** Copies a frame into the next slot and returns the slot; the caller decodes it there. */
    int add(byte[] frame, int length, long timestampNs) {
        int i = (int) tail++ & mask;
        System.arraycopy(frame, 0, frames[i], 0, length);
        lengths[i] = length;
        timestamps[i] = timestampNs;
        return i;
    }

    /** Records a slot's decoding: whether it is a TCP segment. */
    void decoded(int i, boolean ok) {
        decoded[i] = ok;
    }

    /** Marks a slot as a SYN whose lines the next flush loads. */
    void synHashes(int i, long flowHash, long sourceHash, long prefixHash) {
        synSlots[syns++] = i;
        flowHashes[i] = flowHash;
        sourceHashes[i] = sourceHash;
        prefixHashes[i] = prefixHash;
    }

    /** SYNs held since the window was last empty. */
    int syns() {
        return syns;
    }

    /** The slot of the k-th SYN held. */
    int synSlot(int k) {
        return synSlots[k];
    }

    /** Takes the oldest frame's slot (the caller processes it before the next {@link #add}). */
    int take() {
        if (head + 1 == tail) {
            syns = 0; // the window empties: the SYN list starts again with the next frame
        }
        return (int) head++ & mask;
    }

    byte[] frame(int i) {
        return frames[i];
    }

    int length(int i) {
        return lengths[i];
    }

    long timestampNs(int i) {
        return timestamps[i];
    }

    TcpSegment segment(int i) {
        return segments[i];
    }

    boolean decoded(int i) {
        return decoded[i];
    }

    long flowHash(int i) {
        return flowHashes[i];
    }

    long sourceHash(int i) {
        return sourceHashes[i];
    }

    long prefixHash(int i) {
        return prefixHashes[i];
    }
}
