package net.synguard.control;

import java.util.Map;

/**
 * The kernel's own counters beside the wire view: TcpExt totals (-1 when this kernel lacks one),
 * SYN_RECV sockets per local port, and what the kernel is doing about SYNs right now.
 */
public record KernelStatus(
        long syncookiesSent,
        long syncookiesRecv,
        long syncookiesFailed,
        long listenOverflows,
        long listenDrops,
        long reqQFullDrop,
        long reqQFullDoCookies,
        int synRecvTotal,
        Map<Integer, Integer> synRecvByPort,
        String state) {

    public KernelStatus {
        synRecvByPort = Map.copyOf(synRecvByPort);
    }
}
