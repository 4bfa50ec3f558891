package net.synguard.track;

/** Receives one (server address, server port) and its half-open count; see {@link HandshakeTracker#forEachPort}. */
@FunctionalInterface
public interface PortCountVisitor {
    void visit(long sHi, long sLo, int sPort, int halfOpen);
}
