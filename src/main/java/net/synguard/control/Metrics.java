package net.synguard.control;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The Prometheus metrics, all {@code synguard_} prefixed, read at scrape time from the status the
 * capture threads last published: a scrape never touches a pipeline.
 */
final class Metrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Supplier<DaemonStatus> status;
    // One snapshot per scrape: every callback of one scrape reads the same one.
    private volatile DaemonStatus current;

    Metrics(Supplier<DaemonStatus> status) {
        this.status = status;
        perInterfaceCounter("frames", "Frames captured", InterfaceStatus::frames);
        perInterfaceCounter("syns", "SYN segments (SYN set, ACK clear) seen", InterfaceStatus::syns);
        perInterfaceCounter("syn_acks", "SYN-ACK segments seen", InterfaceStatus::synAcks);
        perInterfaceCounter(
                "syn_acks_unsolicited",
                "SYN-ACKs matching no SYN (reflection at this host)",
                InterfaceStatus::synAcksUnsolicited);
        perInterfaceCounter(
                "handshakes_completed",
                "Handshakes completed (SYN, SYN-ACK, ACK)",
                InterfaceStatus::handshakesCompleted);
        perInterfaceCounter(
                "handshakes_refused",
                "Half-open handshakes closed by the server's RST",
                InterfaceStatus::handshakesRefused);
        perInterfaceCounter(
                "half_open_expired", "Half-open handshakes that timed out", InterfaceStatus::halfOpenExpired);
        perInterfaceCounter(
                "half_open_evicted", "Half-open entries evicted from a full table", InterfaceStatus::halfOpenEvicted);
        perInterfaceCounter("attacks_started", "Attacks started", InterfaceStatus::attacksStarted);
        perInterfaceCounter("port_scans", "Slow SYN scans seen (not floods)", InterfaceStatus::portScans);
        perInterfaceCounter("capture_received", "Frames libpcap received", InterfaceStatus::captureReceived);
        perInterfaceCounter(
                "capture_kernel_drops",
                "Frames the kernel dropped: capture buffer full",
                InterfaceStatus::captureDropped);
        perInterfaceCounter(
                "capture_interface_drops", "Frames the interface dropped", InterfaceStatus::captureIfDropped);
        perInterfaceCounter(
                "capture_reopens", "Times the capture was reopened after an error", InterfaceStatus::reopens);
        perInterfaceGauge("syn_rate", "SYNs per second over the detection window", InterfaceStatus::synRate);
        perInterfaceGauge(
                "attacks_active", "Attacks in progress", i -> i.attacks().size());
        perInterfaceGauge("sources_tracked", "Sources with per-source state", InterfaceStatus::sourcesTracked);
        mitigationMetrics();
        GaugeWithCallback.builder()
                .name("synguard_half_open")
                .help("Half-open handshakes seen on the wire, by state")
                .labelNames("interface", "state")
                .callback(cb -> {
                    for (InterfaceStatus i : snapshot().interfaces()) {
                        cb.call(i.halfOpenSynSeen(), i.iface(), "syn_seen");
                        cb.call(i.halfOpenSynAckSeen(), i.iface(), "syn_ack_seen");
                    }
                })
                .register(registry);
        GaugeWithCallback.builder()
                .name("synguard_table_entries")
                .help("Entries in each bounded table (half_open, sources, prefixes, destinations)")
                .labelNames("interface", "table")
                .callback(cb -> {
                    for (InterfaceStatus i : snapshot().interfaces()) {
                        i.tableEntries().forEach((table, n) -> cb.call(n, i.iface(), table));
                    }
                })
                .register(registry);
        CounterWithCallback.builder()
                .name("synguard_table_evictions")
                .help("Entries a full table gave up for newer ones (half_open, sources_seen_once, prefixes_seen_once)")
                .labelNames("interface", "table")
                .callback(cb -> {
                    for (InterfaceStatus i : snapshot().interfaces()) {
                        i.tableEvictions().forEach((table, n) -> cb.call(n, i.iface(), table));
                    }
                })
                .register(registry);
        CounterWithCallback.builder()
                .name("synguard_malformed_frames")
                .help("Frames dropped as malformed, by reason")
                .labelNames("interface", "reason")
                .callback(cb -> {
                    for (InterfaceStatus i : snapshot().interfaces()) {
                        i.malformed().forEach((reason, n) -> cb.call(n, i.iface(), reason));
                    }
                })
                .register(registry);
        daemonCounter("alert_events", "Alert events written", DaemonStatus::alertEvents);
        daemonCounter(
                "alert_log_dropped",
                "Alert events dropped: the alert log's queue was full",
                DaemonStatus::alertLogDropped);
        daemonCounter("hook_dropped", "Alert events the hook's queue could not take", DaemonStatus::hookDropped);
        daemonCounter("hook_failed", "Hook runs that failed or timed out", DaemonStatus::hookFailed);
        daemonCounter("config_reloads", "Configuration reloads applied", DaemonStatus::reloads);
        daemonCounter("config_reload_failures", "Configuration reloads refused", DaemonStatus::reloadFailures);
        kernelCounter("syncookies_sent", "Kernel TcpExt SyncookiesSent", KernelStatus::syncookiesSent);
        kernelCounter("syncookies_recv", "Kernel TcpExt SyncookiesRecv", KernelStatus::syncookiesRecv);
        kernelCounter("syncookies_failed", "Kernel TcpExt SyncookiesFailed", KernelStatus::syncookiesFailed);
        kernelCounter("listen_overflows", "Kernel TcpExt ListenOverflows", KernelStatus::listenOverflows);
        kernelCounter("listen_drops", "Kernel TcpExt ListenDrops", KernelStatus::listenDrops);
        kernelCounter("reqq_full_drop", "Kernel TcpExt TCPReqQFullDrop", KernelStatus::reqQFullDrop);
        kernelCounter("reqq_full_do_cookies", "Kernel TcpExt TCPReqQFullDoCookies", KernelStatus::reqQFullDoCookies);
        GaugeWithCallback.builder()
                .name("synguard_kernel_syn_recv")
                .help("SYN_RECV sockets in the kernel (/proc/net/tcp{,6}), by local port")
                .labelNames("port")
                .callback(cb -> {
                    KernelStatus k = snapshot().kernel();
                    if (k != null) {
                        k.synRecvByPort().forEach((port, n) -> cb.call(n, Integer.toString(port)));
                    }
                })
                .register(registry);
    }

    private void mitigationMetrics() {
        CounterWithCallback.builder()
                .name("synguard_mitigation_responder")
                .help("SYN-cookie responder counters (synacks_sent, sources_verified, rate_limited, ...)")
                .labelNames("counter")
                .callback(cb -> snapshot().mitigation().responder().forEach((k, v) -> cb.call(v, k)))
                .register(registry);
        GaugeWithCallback.builder()
                .name("synguard_mitigation_active_targets")
                .help("Protected addresses under mitigation now")
                .callback(cb -> cb.call(snapshot().mitigation().activeTargets().size()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("synguard_mitigation_enforcing")
                .help("1 while the nftables table is installed and nft applies commands; 0: failing open")
                .callback(cb -> cb.call(snapshot().mitigation().enforcing() ? 1 : 0))
                .register(registry);
        GaugeWithCallback.builder()
                .name("synguard_mitigation_verified_sources")
                .help("Sources verified by a SYN cookie and not timed out")
                .callback(cb -> cb.call(snapshot().mitigation().verifiedNow()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("synguard_mitigation_blocked_sources")
                .help("Sources blocked now (few-source floods)")
                .callback(cb -> cb.call(snapshot().mitigation().blockedNow()))
                .register(registry);
        daemonCounter(
                "mitigations",
                "Times mitigation of an address started",
                s -> s.mitigation().mitigations());
        daemonCounter(
                "mitigation_half_open_purged",
                "Kernel half-open entries destroyed when mitigation started",
                s -> s.mitigation().purgedHalfOpen());
        daemonCounter(
                "nft_applied",
                "nft commands applied in the kernel",
                s -> s.mitigation().nftApplied());
        daemonCounter(
                "nft_failed_commands",
                "nft commands refused by nft",
                s -> s.mitigation().nftFailedCommands());
        daemonCounter(
                "nft_lost",
                "nft commands lost (nft not running)",
                s -> s.mitigation().nftLost());
        daemonCounter(
                "nft_failures",
                "nft set-up, start, death or hang",
                s -> s.mitigation().nftFailures());
    }

    PrometheusRegistry registry() {
        return registry;
    }

    /** Takes the snapshot that this scrape's callbacks read. */
    void refresh() {
        current = status.get();
    }

    private DaemonStatus snapshot() {
        DaemonStatus s = current;
        return s != null ? s : status.get();
    }

    private void perInterfaceCounter(String name, String help, ToDoubleFunction<InterfaceStatus> value) {
        CounterWithCallback.builder()
                .name("synguard_" + name)
                .help(help)
                .labelNames("interface")
                .callback(cb -> snapshot().interfaces().forEach(i -> cb.call(value.applyAsDouble(i), i.iface())))
                .register(registry);
    }

    private void perInterfaceGauge(String name, String help, ToDoubleFunction<InterfaceStatus> value) {
        GaugeWithCallback.builder()
                .name("synguard_" + name)
                .help(help)
                .labelNames("interface")
                .callback(cb -> snapshot().interfaces().forEach(i -> cb.call(value.applyAsDouble(i), i.iface())))
                .register(registry);
    }

    private void daemonCounter(String name, String help, ToDoubleFunction<DaemonStatus> value) {
        CounterWithCallback.builder()
                .name("synguard_" + name)
                .help(help)
                .callback(cb -> cb.call(value.applyAsDouble(snapshot())))
                .register(registry);
    }

    private void kernelCounter(String name, String help, Function<KernelStatus, Long> value) {
        CounterWithCallback.builder()
                .name("synguard_kernel_" + name)
                .help(help)
                .callback(cb -> {
                    KernelStatus k = snapshot().kernel();
                    // -1: this kernel does not have the counter; leave the series out.
                    if (k != null && value.apply(k) >= 0) {
                        cb.call(value.apply(k));
                    }
                })
                .register(registry);
    }
}
