package net.synguard.capture;

import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Consumer;

/** Opens a capture file with the configured read-loop engine. */
public final class CaptureFiles {
    /** libpcap's {@code pcap_next_ex} through FFM: about ten times pcap4j's speed here. */
    public static final String ENGINE_FFM = "ffm";
    /** pcap4j's {@code loop}: the fallback. */
    public static final String ENGINE_PCAP4J = "pcap4j";

    /**
     * Whether the ffm engine reads on a thread of its own ({@link ReadAheadSource}). The pcap4j
     * fallback always reads on the caller's thread.
     */
    public enum ReadAhead {
        /** On when there are two or more processors to overlap reading with the analysis. */
        AUTO,
        ON,
        OFF;

        /** Parses {@code auto}, {@code on} or {@code off}, in any case. */
        public static ReadAhead parse(String s) {
            try {
                return valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("read-ahead: " + s + " (expected: auto, on or off)", e);
            }
        }

        boolean enabled(int processors) {
            return this == ON || (this == AUTO && processors >= 2);
        }
    }

    private CaptureFiles() {}

    /** {@link #open(Path, String, ReadAhead, Consumer)} with {@link ReadAhead#AUTO}. */
    public static PacketSource open(Path file, String engine, Consumer<String> notice) throws CaptureException {
        return open(file, engine, ReadAhead.AUTO, notice);
    }

    /**
     * Opens {@code file} with {@code engine}. When FFM cannot bind libpcap, falls back to pcap4j and
     * says so through {@code notice}, since a slower replay beats none.
     */
    public static PacketSource open(Path file, String engine, ReadAhead readAhead, Consumer<String> notice)
            throws CaptureException {
        if (ENGINE_FFM.equals(engine)) {
            if (FfmPcapFileSource.available()) {
                PacketSource ffm = FfmPcapFileSource.open(file);
                return readAhead.enabled(Runtime.getRuntime().availableProcessors())
                        ? new ReadAheadSource(ffm, file.toString())
                        : ffm;
            }
            notice.accept("ffm engine unavailable (" + FfmPcapFileSource.unavailableReason() + "), using pcap4j");
        }
        return PcapFileSource.open(file);
    }
}
