package net.synguard.kernel;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One reading of the kernel's backlog state, see {@link KernelView}. {@code readTimeNs} is the
 * caller's clock (the packet clock in the daemon), so a snapshot lines up with what the wire
 * showed at the same tick. Immutable.
 */
public record KernelSnapshot(
        long readTimeNs,
        TcpExtCounters counters,
        SortedMap<Integer, Integer> synRecvByPort,
        SortedMap<LocalEndpoint, Integer> synRecvByEndpoint,
        int synRecvTotal,
        List<Listener> listeners) {

    /** Ports named in {@link #describe()} before the rest is summed up as "+N more". */
    private static final int DESCRIBED_PORTS = 8;

    public KernelSnapshot {
        synRecvByPort = Collections.unmodifiableSortedMap(new TreeMap<>(synRecvByPort));
        synRecvByEndpoint = Collections.unmodifiableSortedMap(new TreeMap<>(synRecvByEndpoint));
        listeners = List.copyOf(listeners);
        if (synRecvTotal < 0) {
            throw new IllegalArgumentException("SYN_RECV total " + synRecvTotal + " (expected >= 0)");
        }
    }

    static KernelSnapshot of(long readTimeNs, TcpExtCounters counters, SynRecvCounts sockets) {
        List<Listener> listeners = new ArrayList<>(sockets.listeners());
        listeners.sort((a, b) -> a.local().compareTo(b.local()));
        return new KernelSnapshot(
                readTimeNs,
                counters,
                sockets.synRecvByPort(),
                sockets.synRecvByEndpoint(),
                sockets.synRecvTotal(),
                listeners);
    }

    /** Accept-queue lengths summed over the listeners on each port (IPv4, IPv6, SO_REUSEPORT groups). */
    public SortedMap<Integer, Integer> acceptQueueByPort() {
        SortedMap<Integer, Integer> out = new TreeMap<>();
        for (Listener listener : listeners) {
            out.merge(listener.port(), listener.acceptQueue(), Integer::sum);
        }
        return Collections.unmodifiableSortedMap(out);
    }

    /** Counter deltas since {@code earlier}; see {@link TcpExtCounters#minus}. */
    public TcpExtCounters countersSince(KernelSnapshot earlier) {
        return counters.minus(earlier.counters);
    }

    /**
     * The kernel sent SYN cookies since {@code earlier}: a listener's SYN queue overflowed (or
     * tcp_syncookies=2 forces them) and the kernel is holding the flood off itself.
     */
    public boolean cookiesActive(KernelSnapshot earlier) {
        return countersSince(earlier).syncookiesSent() > 0;
    }

    /**
     * The kernel turned connection attempts away since {@code earlier}. ListenDrops also counts
     * every ListenOverflows and TCPReqQFullDrop event (tcp_listendrop, include/net/tcp.h), but a
     * kernel may lack a counter, so each one is checked.
     */
    public boolean droppingSyns(KernelSnapshot earlier) {
        TcpExtCounters delta = countersSince(earlier);
        return delta.listenDrops() > 0 || delta.listenOverflows() > 0 || delta.tcpReqQFullDrop() > 0;
    }

    /**
     * What the kernel did about SYNs since {@code earlier}, for events and status: {@code
     * dropping_syns} (a queue overflowed: SYNs or connections were lost; checked first, it is the
     * one that hurts), {@code sending_cookies}, or {@code normal}; {@code unknown} without an
     * earlier reading.
     */
    public String synState(KernelSnapshot earlier) {
        if (earlier == null) {
            return "unknown";
        }
        return droppingSyns(earlier) ? "dropping_syns" : cookiesActive(earlier) ? "sending_cookies" : "normal";
    }

    /**
     * One line for the log, e.g. {@code kernel: syn_recv=16 (8080:8 8081:3 8082:3 8083:2)
     * listeners=5 accept_queue=0 SyncookiesSent=5 ... TCPReqQFullDoCookies=5}; absent counters
     * show as {@code n/a}. Ports are listed busiest first.
     */
    public String describe() {
        StringBuilder line = new StringBuilder(200).append("kernel: syn_recv=").append(synRecvTotal);
        if (!synRecvByPort.isEmpty()) {
            List<Map.Entry<Integer, Integer>> ports = new ArrayList<>(synRecvByPort.entrySet());
            ports.sort(Map.Entry.<Integer, Integer>comparingByValue().reversed());
            line.append(" (");
            for (int i = 0; i < Math.min(ports.size(), DESCRIBED_PORTS); i++) {
                if (i > 0) {
                    line.append(' ');
                }
                line.append(ports.get(i).getKey())
                        .append(':')
                        .append(ports.get(i).getValue());
            }
            if (ports.size() > DESCRIBED_PORTS) {
                line.append(" +").append(ports.size() - DESCRIBED_PORTS).append(" more");
            }
            line.append(')');
        }
        long acceptQueue = 0;
        for (Listener listener : listeners) {
            acceptQueue += listener.acceptQueue();
        }
        line.append(" listeners=")
                .append(listeners.size())
                .append(" accept_queue=")
                .append(acceptQueue);
        long[] values = counters.toArray();
        for (int i = 0; i < values.length; i++) {
            line.append(' ').append(TcpExtCounters.NAMES.get(i)).append('=');
            if (TcpExtCounters.isPresent(values[i])) {
                line.append(values[i]);
            } else {
                line.append("n/a");
            }
        }
        return line.toString();
    }
}
