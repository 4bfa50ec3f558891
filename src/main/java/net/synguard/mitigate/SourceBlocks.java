package net.synguard.mitigate;

import java.util.LinkedHashMap;
import java.util.Map;
import net.synguard.alert.AlertSink;
import net.synguard.alert.JsonLine;
import net.synguard.config.MitigationConfig;
import net.synguard.decode.Address;
import net.synguard.decode.Addresses;
import net.synguard.detect.Classification;
import net.synguard.detect.Verdict;
import net.synguard.time.WallClock;

/**
 * Blocks of sources that flood from few real addresses (classification {@code few_sources}): each
 * top source with at least {@code block.min-share} of an attack's SYNs goes into the nftables
 * {@code blocked} set for {@code block.timeout}, on the protected services only, with a {@code
 * source_blocked} event, and a {@code source_unblocked} event when the timeout is over. Spoofed
 * floods block nobody: blocking forged sources hurts whoever owns the addresses.
 */
final class SourceBlocks {
    private record Block(String attackId, long untilNs, long sinceNs) {}

    private final MitigationConfig cfg;
    private final NftController nft;
    private final OwnAddresses own;
    private final AlertSink sink;
    private final Map<Address, Block> blocks = new LinkedHashMap<>();
    private long blocked;

    SourceBlocks(MitigationConfig cfg, NftController nft, OwnAddresses own, AlertSink sink) {
        this.cfg = cfg;
        this.nft = nft;
        this.own = own;
        this.sink = sink;
    }

    /**
     * A few real sources flooding: block each top source with at least {@code min-share} of the
     * attack's SYNs, on the protected services only, for the block timeout.
     */
    synchronized void onVerdict(String attackId, Verdict v, long nowNs, boolean enforcing) {
        if (cfg.mode() == MitigationConfig.Mode.OFF
                || !cfg.block().enabled()
                || v.classification() != Classification.FEW_SOURCES
                || v.topSources().isEmpty()
                || v.topShare() <= 0) {
            return;
        }
        double total = v.topSources().get(0).syns() / v.topShare();
        for (Verdict.SourceCount s : v.topSources()) {
            double share = s.syns() / total;
            if (share < cfg.block().minShare()) {
                continue;
            }
            Address source = Addresses.parse(s.address());
            if (source == null || blocks.containsKey(source) || own.contains(source.hi(), source.lo())) {
                continue;
            }
            long timeoutMs = cfg.block().timeout().toMillis();
            boolean queued = block(source, attackId, timeoutMs);
            JsonLine j = MitigationEvents.event("source_blocked", nowNs, attackId)
                    .field("source", s.address())
                    .field("syns", s.syns())
                    .field("share", share, 3)
                    .field("timeout_s", timeoutMs / 1000)
                    .field("reason", "few_sources")
                    .field("enforced", queued && enforcing);
            sink.publish(
                    "source_blocked",
                    j.build(),
                    "source_blocked " + s.address() + " for " + timeoutMs / 1000 + " s (" + Math.round(share * 100)
                            + "% of the SYNs of attack " + attackId + ")");
        }
    }

    /**
     * A verified source sent {@code syns} SYNs in one second, more than {@code limit}: its SYNs pass
     * the table's verified rule to the kernel's queue, so it is blocked on the protected services
     * for the block timeout ({@code reason} {@code verified_flood}), whatever the attack's
     * classification. Returns whether a block was queued.
     */
    synchronized boolean onVerifiedFlood(long hi, long lo, long syns, long limit, long nowNs, boolean enforcing) {
        if (cfg.mode() == MitigationConfig.Mode.OFF || !cfg.block().enabled() || own.contains(hi, lo)) {
            return false;
        }
        Address source = new Address(hi, lo);
        if (blocks.containsKey(source)) {
            return false;
        }
        long timeoutMs = cfg.block().timeout().toMillis();
        boolean queued = block(source, null, timeoutMs);
        String text = Addresses.format(source);
        JsonLine j = MitigationEvents.event("source_blocked", nowNs, null)
                .field("source", text)
                .field("syns", syns)
                .field("syn_rate_limit", limit)
                .field("timeout_s", timeoutMs / 1000)
                .field("reason", "verified_flood")
                .field("enforced", queued && enforcing);
        sink.publish(
                "source_blocked",
                j.build(),
                "source_blocked " + text + " for " + timeoutMs / 1000 + " s (verified, then " + syns
                        + " SYNs in one second, limit " + limit + ")");
        return queued;
    }

    /** Queues the block in nftables and remembers it; returns whether nft took the command. */
    private boolean block(Address source, String attackId, long timeoutMs) {
        boolean queued = nft.block(source.hi(), source.lo(), timeoutMs);
        // Expiry runs on the housekeeping thread's wall clock (the kernel's element times out on
        // its own clock too), not on this capture thread's packet time.
        long wallNs = WallClock.nowNs();
        blocks.put(source, new Block(attackId, wallNs + timeoutMs * 1_000_000L, wallNs));
        blocked++;
        return queued;
    }

    /** Forgets the blocks whose timeout is over (the kernel's elements time out by themselves). */
    synchronized void expire(long nowNs) {
        var it = blocks.entrySet().iterator();
        while (it.hasNext()) {
            var e = it.next();
            Block b = e.getValue();
            if (b.untilNs() > nowNs) {
                continue;
            }
            it.remove();
            String source = Addresses.format(e.getKey());
            JsonLine j = MitigationEvents.event("source_unblocked", nowNs, b.attackId())
                    .field("source", source)
                    .field("reason", "timeout")
                    .field("blocked_s", (nowNs - b.sinceNs()) / 1e9, 3);
            sink.publish("source_unblocked", j.build(), "source_unblocked " + source + " (block timed out)");
        }
    }

    /** Calls {@code action} with each blocked source and the milliseconds left of its block. */
    synchronized void forEachBlocked(long nowNs, java.util.function.ObjLongConsumer<Address> action) {
        for (Map.Entry<Address, Block> e : blocks.entrySet()) {
            long leftMs = (e.getValue().untilNs() - nowNs) / 1_000_000L;
            if (leftMs >= 1) {
                action.accept(e.getKey(), leftMs);
            }
        }
    }

    synchronized int blockedNow() {
        return blocks.size();
    }

    /** Sources blocked since start. */
    synchronized long blockedTotal() {
        return blocked;
    }
}
