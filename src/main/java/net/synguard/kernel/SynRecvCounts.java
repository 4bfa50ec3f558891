package net.synguard.kernel;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What {@link SocketTableParser} collects from one or more socket tables: SYN_RECV sockets per
 * local endpoint and per local port, listeners with their accept queues, and how many sockets were
 * in each state. Feed {@code /proc/net/tcp} and {@code /proc/net/tcp6} into the same instance to
 * get the host's totals. Not thread-safe; one reader fills it, then takes the views.
 *
 * <p>Per-port counts live in a flat array, so a flood's worth of SYN_RECV lines costs no map
 * lookups per port; per-endpoint counts are a map, bounded by the host's local addresses times its
 * listening ports.
 */
public final class SynRecvCounts {
    /** include/net/tcp_states.h; /proc prints request sockets (TCP_NEW_SYN_RECV) as this too. */
    public static final int TCP_SYN_RECV = 0x03;

    public static final int TCP_LISTEN = 0x0A;

    private final int[] synRecvByPort = new int[0x10000];
    private final Map<LocalEndpoint, Integer> synRecvByEndpoint = new HashMap<>();
    private final List<Listener> listeners = new ArrayList<>();
    private final int[] sockets = new int[0x100];
    private int synRecvTotal;
    private int socketTotal;

    void add(int state, long hi, long lo, int port, int rxQueue) {
        sockets[state]++;
        socketTotal++;
        if (state == TCP_SYN_RECV) {
            synRecvTotal++;
            synRecvByPort[port]++;
            synRecvByEndpoint.merge(new LocalEndpoint(hi, lo, port), 1, Integer::sum);
        } else if (state == TCP_LISTEN) {
            listeners.add(new Listener(new LocalEndpoint(hi, lo, port), rxQueue));
        }
    }

    public int synRecvTotal() {
        return synRecvTotal;
    }

    public int synRecvAtPort(int port) {
        return synRecvByPort[port];
    }

    /** Ports with at least one SYN_RECV socket, ascending. A copy. */
    public SortedMap<Integer, Integer> synRecvByPort() {
        SortedMap<Integer, Integer> out = new TreeMap<>();
        for (int port = 0; port < synRecvByPort.length; port++) {
            if (synRecvByPort[port] != 0) {
                out.put(port, synRecvByPort[port]);
            }
        }
        return out;
    }

    /** By port, then address. A copy. */
    public SortedMap<LocalEndpoint, Integer> synRecvByEndpoint() {
        return new TreeMap<>(synRecvByEndpoint);
    }

    /** In the order the tables listed them. */
    public List<Listener> listeners() {
        return Collections.unmodifiableList(listeners);
    }

    /** Sockets of every state seen, TIME_WAIT and request sockets included. */
    public int socketTotal() {
        return socketTotal;
    }

    /** Sockets in {@code state}, a TCP_* value from include/net/tcp_states.h. */
    public int inState(int state) {
        return state >= 0 && state < sockets.length ? sockets[state] : 0;
    }
}
