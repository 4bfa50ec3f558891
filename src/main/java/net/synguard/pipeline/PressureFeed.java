package net.synguard.pipeline;

import net.synguard.pressure.PressureTables;
import net.synguard.track.Closure;
import net.synguard.track.HandshakeListener;
import net.synguard.track.HandshakeState;

/** Turns the tracker's half-open openings and closings into pressure bookkeeping. */
final class PressureFeed implements HandshakeListener {
    private final PressureTables pressure;

    PressureFeed(PressureTables pressure) {
        this.pressure = pressure;
    }

    @Override
    public int opened(long cHi, long cLo, long sHi, long sLo, int cPort, int sPort, long nowNs) {
        return pressure.onHalfOpenOpened(cHi, cLo, sHi, sLo, nowNs);
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
            long nowNs) {
        pressure.onHalfOpenClosed(
                cHi,
                cLo,
                sHi,
                sLo,
                stateBefore == HandshakeState.SYN_ACK_SEEN,
                closure == Closure.COMPLETED,
                mark,
                nowNs);
    }
}
