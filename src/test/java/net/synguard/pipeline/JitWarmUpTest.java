package net.synguard.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import net.synguard.config.ConfigLoader;
import net.synguard.config.SynguardConfig;
import org.junit.jupiter.api.Test;

class JitWarmUpTest {
    @Test
    void feedsTheFramesItWasAskedForThroughEveryStage() throws Exception {
        SynguardConfig cfg = ConfigLoader.parse(
                "synguard { protect = [ { address = \"198.18.0.1\", ports = [ 80 ] } ],"
                        + " mitigation { mode = \"always\", nft-command = [ \"/nonexistent/nft\" ] } }",
                "warm.conf");
        // nft-command points nowhere: a warm-up that ran nft, or touched the kernel, would fail.
        long fed = JitWarmUp.run(cfg, Duration.ofSeconds(30), 50_000);
        assertThat(fed).isBetween(50_000L, 50_004L);
    }

    @Test
    void stopsAtItsTimeBudget() {
        long t0 = System.nanoTime();
        long fed = JitWarmUp.run(ConfigLoader.defaults(), Duration.ofMillis(200), Long.MAX_VALUE);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(fed).isPositive();
        assertThat(ms).as("a budget of 200 ms, checked every 4096 flows").isLessThan(5_000);
    }

    @Test
    void anIpv6ServiceWarmsUpTheSamePath() throws Exception {
        SynguardConfig cfg = ConfigLoader.parse(
                "synguard { protect = [ { address = \"2001:db8::1\", ports = [ 443 ] } ] }", "v6.conf");
        assertThat(JitWarmUp.run(cfg, Duration.ofSeconds(30), 10_000)).isGreaterThanOrEqualTo(10_000);
    }
}
