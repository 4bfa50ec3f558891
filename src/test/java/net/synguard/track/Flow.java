package net.synguard.track;

import static net.synguard.decode.TcpSegment.ACK;
import static net.synguard.decode.TcpSegment.RST;
import static net.synguard.decode.TcpSegment.SYN;

import net.synguard.decode.TcpSegment;
import net.synguard.decode.TestSegments;

/** One client-server four-tuple and the segments of its handshake, for readable tests. */
record Flow(long cHi, long cLo, int cPort, long sHi, long sLo, int sPort) {
    static final long SERVER = TestSegments.ipv4(198, 51, 100, 10);

    static Flow v4(int clientHost, int cPort, int sPort) {
        return new Flow(0, TestSegments.ipv4(192, 0, 2, clientHost), cPort, 0, SERVER, sPort);
    }

    static Flow v4(int clientHost, int cPort) {
        return v4(clientHost, cPort, 80);
    }

    /** Client to server. */
    TcpSegment c2s(int flags, int seq, int ack) {
        return TestSegments.segment(cHi, cLo, cPort, sHi, sLo, sPort, flags, seq, ack);
    }

    /** Server to client. */
    TcpSegment s2c(int flags, int seq, int ack) {
        return TestSegments.segment(sHi, sLo, sPort, cHi, cLo, cPort, flags, seq, ack);
    }

    TcpSegment syn(int isn) {
        return c2s(SYN, isn, 0);
    }

    TcpSegment synAck(int serverIsn, int ack) {
        return s2c(SYN | ACK, serverIsn, ack);
    }

    TcpSegment ack(int seq, int ack) {
        return c2s(ACK, seq, ack);
    }

    TcpSegment serverRst(int flags, int seq, int ack) {
        return s2c(RST | flags, seq, ack);
    }

    TcpSegment clientRst(int flags, int seq, int ack) {
        return c2s(RST | flags, seq, ack);
    }

    int stateIn(HandshakeTracker t) {
        return t.state(cHi, cLo, sHi, sLo, cPort, sPort);
    }

    int portCountIn(HandshakeTracker t) {
        return t.halfOpenFor(sHi, sLo, sPort);
    }
}
