package net.synguard.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BridgeNetfilterTest {
    @TempDir
    Path dir;

    private List<String> warnings(String iptables, String ip6tables) throws Exception {
        Path net = dir.resolve("class-net");
        Files.createDirectories(net.resolve("br0/bridge"));
        Files.createDirectories(net.resolve("eth0"));
        Path bridge = dir.resolve("bridge");
        Files.createDirectories(bridge);
        Files.writeString(bridge.resolve("bridge-nf-call-iptables"), iptables + "\n");
        Files.writeString(bridge.resolve("bridge-nf-call-ip6tables"), ip6tables + "\n");
        return BridgeNetfilter.warnings(List.of("br0", "eth0"), net, bridge);
    }

    @Test
    void aBridgeWithBridgeNetfilterOnIsNamed() throws Exception {
        assertThat(warnings("1", "0")).singleElement().asString().startsWith("br0 is a bridge");
        assertThat(warnings("0", "1")).hasSize(1);
    }

    @Test
    void nothingWhenBridgeNetfilterIsOffOrAbsent() throws Exception {
        assertThat(warnings("0", "0")).isEmpty();
        assertThat(BridgeNetfilter.warnings(List.of("br0"), dir, dir.resolve("missing")))
                .isEmpty();
    }
}
