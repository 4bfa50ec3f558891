package net.synguard.capture;

import java.nio.file.Path;

/** Opens a capture file with the configured read-loop engine. */
public final class CaptureFiles {
    /** libpcap's {@code pcap_next_ex} through FFM: about ten times pcap4j's speed here. */
    public static final String ENGINE_FFM = "ffm";
    /** pcap4j's {@code loop}: the fallback. */
    public static final String ENGINE_PCAP4J = "pcap4j";

    private CaptureFiles() {}

    /**
     * Opens {@code file} with {@code engine}. When FFM cannot bind libpcap, falls back to pcap4j and
     * says so through {@code notice}, since a slower replay beats none.
     */
    public static PacketSource open(Path file, String engine, java.util.function.Consumer<String> notice)
            throws CaptureException {
        if (ENGINE_FFM.equals(engine)) {
            if (FfmPcapFileSource.available()) {
                return FfmPcapFileSource.open(file);
            }
            notice.accept("ffm engine unavailable (" + FfmPcapFileSource.unavailableReason() + "), using pcap4j");
        }
        return PcapFileSource.open(file);
    }
}
