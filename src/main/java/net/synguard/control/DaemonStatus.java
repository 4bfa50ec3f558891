package net.synguard.control;

import java.util.List;

/** Everything {@code synguard status} and /metrics show, assembled on request from published parts. */
public record DaemonStatus(
        long nowNs,
        long startedNs,
        List<InterfaceStatus> interfaces,
        KernelStatus kernel,
        long alertEvents,
        long alertLogDropped,
        long hookDropped,
        long hookFailed,
        long reloads,
        long reloadFailures,
        MitigationStatus mitigation) {

    public DaemonStatus {
        interfaces = List.copyOf(interfaces);
        java.util.Objects.requireNonNull(mitigation, "mitigation");
    }
}
