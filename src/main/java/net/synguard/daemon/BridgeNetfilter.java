package net.synguard.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.synguard.kernel.Sysctls;

/**
 * A trap worth a warning at start: when a capture interface is a Linux bridge and bridge netfilter
 * is on ({@code net.bridge.bridge-nf-call-iptables} or {@code -ip6tables} = 1, the kernel's default
 * where {@code br_netfilter} is loaded), frames to the host run the IP prerouting hooks at the
 * bridge port, before the bridge device's packet taps. synguard's table then drops unverified SYNs
 * before its own capture on the bridge sees them: the responder never answers and real clients
 * cannot connect while mitigation is on. On an ordinary NIC the taps come first.
 */
final class BridgeNetfilter {
    private BridgeNetfilter() {}

    /** One line per interface caught by the trap; empty when none is. */
    static List<String> warnings(List<String> interfaces, Path sysClassNet, Path procSysNetBridge) {
        List<String> out = new ArrayList<>();
        boolean on = enabled(procSysNetBridge.resolve("bridge-nf-call-iptables"))
                || enabled(procSysNetBridge.resolve("bridge-nf-call-ip6tables"));
        if (!on) {
            return out;
        }
        for (String iface : interfaces) {
            if (Files.isDirectory(sysClassNet.resolve(iface).resolve("bridge"))) {
                out.add(iface + " is a bridge and net.bridge.bridge-nf-call-iptables/ip6tables = 1: SYNs that"
                        + " synguard's nftables table drops never reach the capture on " + iface
                        + ", so unverified clients are never answered. Set both sysctls to 0, or capture on the"
                        + " bridge's uplink port instead");
            }
        }
        return out;
    }

    private static boolean enabled(Path sysctl) {
        try {
            return Sysctls.read(sysctl).equals("1");
        } catch (IOException e) {
            return false;
        }
    }
}
