package net.synguard.capture;

/**
 * libpcap's counters for a live handle, widened from its 32-bit {@code struct pcap_stat} fields.
 *
 * @param received frames the kernel handed to the capture socket
 * @param dropped frames the kernel dropped because the capture buffer was full: the figure to
 *     watch during a flood (raise capture.buffer-size, or the capture thread is too slow)
 * @param droppedByInterface frames the interface or its driver dropped
 */
public record CaptureStats(long received, long dropped, long droppedByInterface) {
    public static final CaptureStats NONE = new CaptureStats(0, 0, 0);
}
