package net.synguard.decode;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.ObjLongConsumer;

/**
 * One counter per {@link DecodeOutcome}. The capture thread is the only writer and increments with
 * plain stores (Aeron's single-writer counters); other threads (metrics, status) read with opaque
 * loads, which cannot tear a long and are not hoisted out of a polling loop. A reader may see a
 * total a few frames behind the writer, which is fine for a counter.
 */
public final class DecodeCounters {
    private static final DecodeOutcome[] OUTCOMES = DecodeOutcome.values();
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] counts = new long[OUTCOMES.length];

    /** Single writer only: the thread that owns the decoder. */
    void increment(DecodeOutcome outcome) {
        counts[outcome.ordinal()]++;
    }

    public long count(DecodeOutcome outcome) {
        return (long) SLOT.getOpaque(counts, outcome.ordinal());
    }

    public long total(DecodeOutcome.Group group) {
        long sum = 0;
        for (DecodeOutcome o : OUTCOMES) {
            if (o.group() == group) {
                sum += count(o);
            }
        }
        return sum;
    }

    public long decodedTotal() {
        return count(DecodeOutcome.DECODED);
    }

    public long malformedTotal() {
        return total(DecodeOutcome.Group.MALFORMED);
    }

    public long skippedTotal() {
        return total(DecodeOutcome.Group.SKIPPED);
    }

    public long anomalyTotal() {
        return total(DecodeOutcome.Group.ANOMALY);
    }

    /** Every frame handed to the decoder: anomalies are not frames of their own. */
    public long framesTotal() {
        return decodedTotal() + malformedTotal() + skippedTotal();
    }

    /** Calls {@code action} with the label and count of each non-zero counter of a group, in declaration order. */
    public void forEachNonZero(DecodeOutcome.Group group, ObjLongConsumer<String> action) {
        Objects.requireNonNull(action, "action");
        for (DecodeOutcome o : OUTCOMES) {
            long n = count(o);
            if (o.group() == group && n != 0) {
                action.accept(o.label(), n);
            }
        }
    }

    /** Non-zero counters by label, in declaration order. Allocates: for summaries, not the hot path. */
    public Map<String, Long> snapshot() {
        Map<String, Long> map = new LinkedHashMap<>();
        for (DecodeOutcome o : OUTCOMES) {
            long n = count(o);
            if (n != 0) {
                map.put(o.label(), n);
            }
        }
        return map;
    }

    /**
     * Adds another decoder's counters into this one, e.g. to total several captures. Must be called
     * on this instance's writer thread.
     */
    public void add(DecodeCounters other) {
        for (int i = 0; i < counts.length; i++) {
            counts[i] += (long) SLOT.getOpaque(other.counts, i);
        }
    }

    @Override
    public String toString() {
        return "DecodeCounters" + snapshot();
    }
}
