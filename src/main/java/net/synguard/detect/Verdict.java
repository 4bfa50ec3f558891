package net.synguard.detect;

import java.util.List;

/**
 * The classification of the traffic to one address, with the evidence for it.
 *
 * @param distinctSources estimated distinct source addresses in the observation period
 * @param synsPerSource SYNs per distinct source: about 1 when sources are forged at random
 * @param topShare the share of SYNs that the heaviest suspect sources carry
 * @param topSources the heaviest sources that do not complete their handshakes, heaviest first
 * @param topPrefixes the heaviest source prefixes, heaviest first
 */
public record Verdict(
        Classification classification,
        long distinctSources,
        double synsPerSource,
        double topShare,
        List<SourceCount> topSources,
        List<PrefixCount> topPrefixes) {

    /** One source as the report shows it. */
    public record SourceCount(String address, long syns, long completed, boolean flagged) {}

    /** One prefix as the report shows it. */
    public record PrefixCount(String prefix, long syns) {}
}
