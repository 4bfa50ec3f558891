package net.synguard.detect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import net.synguard.config.DetectConfig;
import net.synguard.decode.Addresses;
import net.synguard.pressure.DestinationStats;
import net.synguard.pressure.PressureTables;
import net.synguard.pressure.SourceStats;
import net.synguard.pressure.SpaceSaving;

/**
 * Tells a spoofed flood from a few real sources and from a port scan, from the destination's
 * sketches. Off the hot path: it runs when an attack starts, updates and ends.
 *
 * <p>A source whose handshakes complete (at or above the completion-ratio threshold) is a real
 * client, however many SYNs it sends: it is left out of the suspects, so a busy legitimate client
 * next to a spoofed flood is never blamed for it.
 */
final class Classifier {
    /** Sources that surely sent fewer SYNs than this are not named. */
    private static final long MIN_REPORTED_SYNS = 2;

    private final DetectConfig cfg;
    private final PressureTables pressure;
    private final int reportSources;

    Classifier(DetectConfig cfg, PressureTables pressure, int reportSources) {
        this.cfg = cfg;
        this.pressure = pressure;
        this.reportSources = reportSources;
    }

    Verdict classify(DestinationStats d, long nowNs) {
        long syns = Math.max(1, d.sketchSyns());
        long distinct = Math.max(1, d.distinctSources());
        double perSource = (double) syns / distinct;

        SpaceSaving top = d.topSources();
        List<Verdict.SourceCount> candidates = new ArrayList<>();
        for (int i = 0; i < top.size(); i++) {
            long hi = top.keyHi(i);
            long lo = top.keyLo(i);
            SourceStats s = pressure.sourceStats(hi, lo);
            // Space-Saving's count includes what the key inherited when it took a counter over;
            // count - error is what it surely sent. The source's own cache entry, when it has one,
            // counts from its second SYN on, so it is the better figure for real repeat senders.
            long sureSyns = Math.max(top.count(i) - top.error(i), s == null ? 0 : s.syns() + 1);
            long completed = s == null ? 0 : s.completed();
            // A spoofed source seen once is noise: listing it would name a random address. A
            // source whose handshakes complete is a real client, not a suspect.
            if (sureSyns >= MIN_REPORTED_SYNS
                    && (double) completed / sureSyns < cfg.destination().completionRatio()) {
                boolean flagged = s != null
                        && (s.synRate(nowNs) >= cfg.source().synRate()
                                || s.failed() >= cfg.source().failedHandshakes());
                candidates.add(new Verdict.SourceCount(Addresses.format(hi, lo), sureSyns, completed, flagged));
            }
        }
        candidates.sort(Comparator.comparingLong(Verdict.SourceCount::syns)
                .reversed()
                .thenComparing(Verdict.SourceCount::address));
        long suspectSyns = 0;
        for (int i = 0; i < Math.min(candidates.size(), cfg.classify().fewSourcesMax()); i++) {
            suspectSyns += candidates.get(i).syns();
        }
        long firstSuspectSyns = candidates.isEmpty() ? 0 : candidates.getFirst().syns();
        List<Verdict.SourceCount> suspects = candidates.subList(0, Math.min(candidates.size(), reportSources));
        double share = Math.min(1.0, (double) suspectSyns / syns);

        Classification c;
        if (share >= cfg.classify().fewSourcesShare()) {
            boolean slow = d.synRate(nowNs) < cfg.destination().synRate();
            boolean oneSource =
                    (double) firstSuspectSyns / syns >= cfg.classify().fewSourcesShare();
            c = slow && oneSource && d.distinctPorts() >= cfg.classify().scanMinPorts()
                    ? Classification.PORT_SCAN
                    : Classification.FEW_SOURCES;
        } else if (distinct >= cfg.classify().spoofedMinSources()
                && perSource <= cfg.classify().spoofedMaxRepeat()) {
            c = Classification.SPOOFED;
        } else {
            c = Classification.DISTRIBUTED;
        }
        return new Verdict(c, distinct, perSource, share, List.copyOf(suspects), prefixes(d));
    }

    private List<Verdict.PrefixCount> prefixes(DestinationStats d) {
        SpaceSaving top = d.topPrefixes();
        List<Verdict.PrefixCount> out = new ArrayList<>();
        for (int i : top.ranked()) {
            if (out.size() >= Math.min(reportSources, 5)) {
                break;
            }
            long sure = top.count(i) - top.error(i);
            if (sure < MIN_REPORTED_SYNS) {
                continue;
            }
            long hi = top.keyHi(i);
            long lo = top.keyLo(i);
            out.add(new Verdict.PrefixCount(Addresses.format(hi, lo) + "/" + pressure.prefixBits(hi, lo), sure));
        }
        return List.copyOf(out);
    }
}
