package net.synguard.kernel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What {@link SocketTableParser} collects from one or more socket tables: SYN_RECV sockets per
 * local endpoint and per local port, listeners with their accept queues, and how many sockets were
 * in each state. Feed {@code /proc/net/tcp} and {@code /proc/net/tcp6} into the same instance to
 * get the host's totals. Not thread-safe; one reader fills it, then takes the views.
 *
 * <p>Everything is kept in primitive arrays that {@link #clear} empties for the next reading, so a
 * flood's worth of SYN_RECV lines allocates nothing: per-port counts in a flat array (with the list
 * of ports touched, so clearing and listing cost the ports in use, not 65,536), per-endpoint counts
 * in an open-addressing table bounded by the host's local addresses times its listening ports, and
 * listeners as columns. The map and list views are built when asked for.
 */
public final class SynRecvCounts {
    /** include/net/tcp_states.h; /proc prints request sockets (TCP_NEW_SYN_RECV) as this too. */
    public static final int TCP_SYN_RECV = 0x03;

    public static final int TCP_LISTEN = 0x0A;

    private static final int INITIAL = 16;

    private final int[] synRecvByPort = new int[0x10000];
    /** Ports whose count is not zero, in the order they first got one. */
    private int[] portsInUse = new int[INITIAL];

    private int portCount;

    /** Open addressing, linear probing: slot holds 1 + the endpoint's index, 0 when free. */
    private int[] endpointSlots = new int[2 * INITIAL];

    private long[] endpointHi = new long[INITIAL];
    private long[] endpointLo = new long[INITIAL];
    private int[] endpointPort = new int[INITIAL];
    private int[] endpointCount = new int[INITIAL];
    private int endpoints;

    private long[] listenerHi = new long[INITIAL];
    private long[] listenerLo = new long[INITIAL];
    private int[] listenerPort = new int[INITIAL];
    private int[] listenerQueue = new int[INITIAL];
    private int listeners;

    private final int[] sockets = new int[0x100];
    private int synRecvTotal;
    private int socketTotal;

    void add(int state, long hi, long lo, int port, int rxQueue) {
        sockets[state]++;
        socketTotal++;
        if (state == TCP_SYN_RECV) {
            synRecvTotal++;
            if (synRecvByPort[port]++ == 0) {
                if (portCount == portsInUse.length) {
                    portsInUse = Arrays.copyOf(portsInUse, 2 * portCount);
                }
                portsInUse[portCount++] = port;
            }
            endpointCount[endpointIndex(hi, lo, port)]++;
        } else if (state == TCP_LISTEN) {
            if (rxQueue < 0) {
                throw new IllegalArgumentException("accept queue " + rxQueue + " (expected >= 0)");
            }
            if (listeners == listenerPort.length) {
                int n = 2 * listeners;
                listenerHi = Arrays.copyOf(listenerHi, n);
                listenerLo = Arrays.copyOf(listenerLo, n);
                listenerPort = Arrays.copyOf(listenerPort, n);
                listenerQueue = Arrays.copyOf(listenerQueue, n);
            }
            listenerHi[listeners] = hi;
            listenerLo[listeners] = lo;
            listenerPort[listeners] = port;
            listenerQueue[listeners] = rxQueue;
            listeners++;
        }
    }

    /** The endpoint's index in the endpoint columns, added with a count of 0 when new. */
    private int endpointIndex(long hi, long lo, int port) {
        int mask = endpointSlots.length - 1;
        int slot = hash(hi, lo, port) & mask;
        while (true) {
            int taken = endpointSlots[slot];
            if (taken == 0) {
                break;
            }
            int i = taken - 1;
            if (endpointHi[i] == hi && endpointLo[i] == lo && endpointPort[i] == port) {
                return i;
            }
            slot = (slot + 1) & mask;
        }
        if (endpoints == endpointPort.length) {
            int n = 2 * endpoints;
            endpointHi = Arrays.copyOf(endpointHi, n);
            endpointLo = Arrays.copyOf(endpointLo, n);
            endpointPort = Arrays.copyOf(endpointPort, n);
            endpointCount = Arrays.copyOf(endpointCount, n);
        }
        int i = endpoints++;
        endpointHi[i] = hi;
        endpointLo[i] = lo;
        endpointPort[i] = port;
        endpointCount[i] = 0;
        endpointSlots[slot] = i + 1;
        if (2 * endpoints > endpointSlots.length) {
            rehash(2 * endpointSlots.length);
        }
        return i;
    }

    private void rehash(int slots) {
        endpointSlots = new int[slots];
        int mask = slots - 1;
        for (int i = 0; i < endpoints; i++) {
            int slot = hash(endpointHi[i], endpointLo[i], endpointPort[i]) & mask;
            while (endpointSlots[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            endpointSlots[slot] = i + 1;
        }
    }

    private static int hash(long hi, long lo, int port) {
        long h = (hi * 0x9E3779B97F4A7C15L) ^ (lo * 0xC2B2AE3D27D4EB4FL) ^ port;
        return (int) (h ^ (h >>> 29) ^ (h >>> 47));
    }

    /**
     * Forgets every socket, keeping the arrays for the next reading: the cost is the ports,
     * endpoints and listeners in use, not the size of the last table.
     */
    void clear() {
        for (int i = 0; i < portCount; i++) {
            synRecvByPort[portsInUse[i]] = 0;
        }
        portCount = 0;
        if (endpoints > 0) {
            Arrays.fill(endpointSlots, 0);
            endpoints = 0;
        }
        listeners = 0;
        Arrays.fill(sockets, 0);
        synRecvTotal = 0;
        socketTotal = 0;
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
        for (int i = 0; i < portCount; i++) {
            int port = portsInUse[i];
            out.put(port, synRecvByPort[port]);
        }
        return out;
    }

    /** By port, then address. A copy. */
    public SortedMap<LocalEndpoint, Integer> synRecvByEndpoint() {
        SortedMap<LocalEndpoint, Integer> out = new TreeMap<>();
        for (int i = 0; i < endpoints; i++) {
            out.put(new LocalEndpoint(endpointHi[i], endpointLo[i], endpointPort[i]), endpointCount[i]);
        }
        return out;
    }

    /** In the order the tables listed them. A copy. */
    public List<Listener> listeners() {
        List<Listener> out = new ArrayList<>(listeners);
        for (int i = 0; i < listeners; i++) {
            out.add(new Listener(new LocalEndpoint(listenerHi[i], listenerLo[i], listenerPort[i]), listenerQueue[i]));
        }
        return Collections.unmodifiableList(out);
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
