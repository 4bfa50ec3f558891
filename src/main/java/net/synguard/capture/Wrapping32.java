package net.synguard.capture;

/**
 * A running total from a 32-bit counter that wraps: libpcap's {@code struct pcap_stat} fields are
 * {@code u_int}, and at a million packets a second {@code ps_recv} wraps in about 72 minutes.
 */
final class Wrapping32 {
    private long total;
    private long last;
    private boolean started;

    long update(long raw32) {
        long v = raw32 & 0xFFFF_FFFFL;
        if (started) {
            total += (v - last) & 0xFFFF_FFFFL;
        } else {
            total = v;
            started = true;
        }
        last = v;
        return total;
    }
}
