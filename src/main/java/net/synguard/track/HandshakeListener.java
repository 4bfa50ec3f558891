package net.synguard.track;

/**
 * Told when a half-open entry opens and closes, so the pressure stage can count per source and per
 * prefix without a second lookup.
 *
 * <p>Called synchronously on the capture thread, from inside {@link HandshakeTracker#onSegment} and
 * {@link HandshakeTracker#advance}: an implementation must not block, must not allocate per call if
 * the hot path is to stay allocation-free, and must not call back into the tracker. Addresses are
 * 128 bits in two longs, IPv4 as IPv4-mapped, as in {@link net.synguard.decode.TcpSegment}.
 */
public interface HandshakeListener {
    /** The bits of a mark a listener may keep in an entry: 7, so they fit the entry's spare bits. */
    int MARK_MASK = 0x7F;

    /**
     * A SYN opened a half-open entry at {@code nowNs}.
     *
     * @return a mark of up to 7 bits ({@link #MARK_MASK}) that the tracker keeps with the entry and
     *     hands back to {@link #closed}: what the listener learned at the opening (such as whether
     *     it keeps state for this source) without a second lookup at the closing
     */
    int opened(long cHi, long cLo, long sHi, long sLo, int cPort, int sPort, long nowNs);

    /**
     * An entry left the table.
     *
     * @param stateBefore the {@link HandshakeState} it was in
     * @param closure the {@link Closure} reason
     * @param mark what {@link #opened} returned for this entry
     */
    void closed(
            long cHi,
            long cLo,
            long sHi,
            long sLo,
            int cPort,
            int sPort,
            int stateBefore,
            int closure,
            int mark,
            long nowNs);

    /** A listener that ignores every call. */
    static HandshakeListener ignoring() {
        return IgnoringListener.INSTANCE;
    }
}
