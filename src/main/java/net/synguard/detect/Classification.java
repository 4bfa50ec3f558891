package net.synguard.detect;

/** What kind of SYN pressure an address is under. */
public enum Classification {
    /** Many sources, each seen about once: forged source addresses. */
    SPOOFED("spoofed"),
    /** A few real sources carry most of the SYNs: they can be named and blocked. */
    FEW_SOURCES("few_sources"),
    /** Many sources that repeat: a botnet of real hosts, or a mix. */
    DISTRIBUTED("distributed"),
    /** One source walking many ports slowly: reconnaissance, not a flood. */
    PORT_SCAN("port_scan");

    private final String label;

    Classification(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
