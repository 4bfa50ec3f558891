package net.synguard.pipeline;

import java.util.List;
import net.synguard.config.ProtectedService;

/**
 * Which (address, port) pairs are servers we watch. An empty protect list means every address:
 * what an analyst replaying a capture from an unknown host wants. A handful of entries at most, so
 * a scan over primitive arrays beats any map.
 */
final class ProtectFilter {
    private final boolean everything;
    private final long[] hi;
    private final long[] lo;
    private final int[][] ports;

    ProtectFilter(List<ProtectedService> services) {
        everything = services.isEmpty();
        int n = services.size();
        hi = new long[n];
        lo = new long[n];
        ports = new int[n][];
        for (int i = 0; i < n; i++) {
            ProtectedService s = services.get(i);
            hi[i] = s.addressHi();
            lo[i] = s.addressLo();
            ports[i] = s.ports().stream().mapToInt(Integer::intValue).toArray();
        }
    }

    boolean covers(long addrHi, long addrLo, int port) {
        if (everything) {
            return true;
        }
        for (int i = 0; i < hi.length; i++) {
            if (lo[i] == addrLo && hi[i] == addrHi) {
                int[] p = ports[i];
                if (p.length == 0) {
                    return true;
                }
                for (int q : p) {
                    if (q == port) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
