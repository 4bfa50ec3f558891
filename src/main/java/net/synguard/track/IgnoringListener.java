package net.synguard.track;

/** The listener behind {@link HandshakeListener#ignoring()}. */
final class IgnoringListener implements HandshakeListener {
    static final IgnoringListener INSTANCE = new IgnoringListener();

    private IgnoringListener() {}

    @Override
    public int opened(long cHi, long cLo, long sHi, long sLo, int cPort, int sPort, long nowNs) {
        return 0;
    }

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
            int mark,
            long nowNs) {}
}
