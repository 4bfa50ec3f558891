package net.synguard.mitigate;

import net.synguard.decode.Addresses;

/**
 * One set update, queued by the capture thread and turned into nft text on the nft thread.
 *
 * <p>Every command is written so that it always changes something and never fails on the state
 * it finds: an {@code add} before a {@code delete} makes the delete valid whether or not the
 * element was there, and the {@code add, delete, add} of {@link Kind#VERIFY} and {@link
 * Kind#BLOCK} restarts an existing element's timeout on every kernel (an {@code add} of an element
 * that exists keeps its old expiry before Linux 6.10). So each line nft reads is one transaction
 * that nft acknowledges with exactly one "# new generation" line, or refuses with an error.
 */
record NftCommand(Kind kind, long hi, long lo, int port, long timeoutMs, long enqueuedNs) {

    enum Kind {
        VERIFY("verified"),
        BLOCK("blocked"),
        UNBLOCK("blocked"),
        ACTIVATE("active"),
        DEACTIVATE("active");

        private final String set;

        Kind(String set) {
            this.set = set;
        }
    }

    /** Longest timeout a command accepts: a week. */
    static final long MAX_TIMEOUT_MS = 7L * 24 * 3600 * 1000;

    /** Appends this command's nft text (no newline) to {@code line}. */
    void appendTo(StringBuilder line) {
        String name;
        String element;
        if (kind == Kind.ACTIVATE || kind == Kind.DEACTIVATE) {
            NftService service = new NftService(hi, lo, port);
            name = NftRuleset.setFor(kind.set, service);
            element = service.element();
        } else {
            name = kind.set + (Addresses.isIpv4(hi, lo) ? "4" : "6");
            element = NftAddresses.format(hi, lo);
        }
        String set = "element " + NftRuleset.QUALIFIED + " " + name + " { ";
        String timed = timeoutMs > 0 ? element + " timeout " + timeoutMs + "ms" : element;
        line.append("add ")
                .append(set)
                .append(timed)
                .append(" }; delete ")
                .append(set)
                .append(element)
                .append(" }");
        if (kind == Kind.VERIFY || kind == Kind.BLOCK || kind == Kind.ACTIVATE) {
            line.append("; add ").append(set).append(timed).append(" }");
        }
    }
}
