package net.synguard.mitigate;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * A protected address under mitigation: its services enforced in nftables, and what the responder
 * did for it since mitigation started, for {@code mitigation_stopped} and {@code attack_ended}.
 * The counters are written by every capture thread (LongAdder: no allocation, little contention).
 */
public final class ActiveTarget {
    final long hi;
    final long lo;
    final String text;
    final List<NftService> services;
    final long startedNs;
    final LongAdder synAcksSent = new LongAdder();
    final LongAdder sourcesVerified = new LongAdder();
    final LongAdder synsDropped = new LongAdder();
    final LongAdder synsPassed = new LongAdder();

    ActiveTarget(long hi, long lo, String text, List<NftService> services, long startedNs) {
        this.hi = hi;
        this.lo = lo;
        this.text = text;
        this.services = List.copyOf(services);
        this.startedNs = startedNs;
    }

    public String text() {
        return text;
    }

    public long synAcksSent() {
        return synAcksSent.sum();
    }

    public long sourcesVerified() {
        return sourcesVerified.sum();
    }

    /** SYNs from unverified sources while enforcement was on: what the nftables table dropped. */
    public long synsDropped() {
        return synsDropped.sum();
    }

    /** SYNs from verified sources, let through to the kernel. */
    public long synsPassed() {
        return synsPassed.sum();
    }
}
