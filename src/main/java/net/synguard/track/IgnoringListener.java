package net.synguard.track;

/** The listener behind {@link HandshakeListener#ignoring()}. */
final class IgnoringListener implements HandshakeListener {
    static final IgnoringListener INSTANCE = new IgnoringListener();

    private IgnoringListener() {}

    @Override
    public void opened(long cHi, long cLo, long sHi, long sLo, int cPort, int sPort, long nowNs) {}

    @Override
    public void closed(
            long cHi,
            long cLo,
            long sHi,
            long sLo,
            int cPort,
            int sPort,
            int stateBefore,
            int closure,
            long nowNs) {}
}
