package net.synguard.capture;

/**
 * Where frames come from: a capture file now, a live interface later, and behind this interface
 * either pcap4j's own read loop or a faster engine (libpcap's {@code pcap_next_ex} through FFM).
 *
 * <p>Kept small on purpose: open elsewhere, then {@link #run} on the one thread that owns the
 * pipeline, {@link #stop} from any thread, {@link #close} when done.
 */
public interface PacketSource extends AutoCloseable {

    /** The link type of the frames ({@link LinkType}), as libpcap reports it. */
    int linkType();

    /**
     * Reads frames and hands each to {@code handler} until the end of the file, {@link #stop}, or
     * an error.
     *
     * @return the number of frames handed over by this call
     * @throws CaptureException when the source fails (truncated file, interface gone)
     */
    long run(FrameHandler handler) throws CaptureException;

    /** Asks a running {@link #run} to return soon; safe from any thread. */
    void stop();

    /** A short description for logs and summaries, such as {@code "pcap, nanosecond"}. */
    String describe();

    @Override
    void close();
}
