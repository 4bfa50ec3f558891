package net.synguard.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DecodeCountersTest {

    @Test
    void labelsAreSnakeCaseAndUnique() {
        assertThat(DecodeOutcome.TOO_MANY_VLAN_TAGS.label()).isEqualTo("too_many_vlan_tags");
        assertThat(DecodeOutcome.IPV4_FRAGMENT_TAIL.label()).isEqualTo("ipv4_fragment_tail");
        assertThat(DecodeOutcome.TCP_OPTIONS_MALFORMED.label()).isEqualTo("tcp_options_malformed");
        assertThat(Arrays.stream(DecodeOutcome.values()).map(DecodeOutcome::label))
                .doesNotHaveDuplicates()
                .allMatch(l -> l.matches("[a-z0-9_]+"));
    }

    @Test
    void totalsPerGroup() {
        DecodeCounters c = new DecodeCounters();
        c.increment(DecodeOutcome.DECODED);
        c.increment(DecodeOutcome.DECODED);
        c.increment(DecodeOutcome.TCP_TRUNCATED);
        c.increment(DecodeOutcome.IPV4_BAD_IHL);
        c.increment(DecodeOutcome.NOT_IP);
        c.increment(DecodeOutcome.TCP_OPTIONS_MALFORMED);
        assertThat(c.decodedTotal()).isEqualTo(2);
        assertThat(c.malformedTotal()).isEqualTo(2);
        assertThat(c.skippedTotal()).isEqualTo(1);
        assertThat(c.anomalyTotal()).isEqualTo(1);
        assertThat(c.framesTotal()).isEqualTo(5);
        assertThat(c.count(DecodeOutcome.TCP_TRUNCATED)).isEqualTo(1);
        assertThat(c.count(DecodeOutcome.NOT_TCP)).isZero();
    }

    @Test
    void forEachNonZeroFollowsDeclarationOrder() {
        DecodeCounters c = new DecodeCounters();
        c.increment(DecodeOutcome.TCP_TRUNCATED);
        c.increment(DecodeOutcome.ETHERNET_TRUNCATED);
        c.increment(DecodeOutcome.ETHERNET_TRUNCATED);
        c.increment(DecodeOutcome.NOT_TCP);
        List<String> seen = new ArrayList<>();
        c.forEachNonZero(DecodeOutcome.Group.MALFORMED, (label, n) -> seen.add(label + "=" + n));
        assertThat(seen).containsExactly("ethernet_truncated=2", "tcp_truncated=1");
    }

    @Test
    void snapshotHoldsNonZeroCountersInOrder() {
        DecodeCounters c = new DecodeCounters();
        c.increment(DecodeOutcome.NOT_TCP);
        c.increment(DecodeOutcome.DECODED);
        assertThat(c.snapshot()).containsExactly(entry("decoded", 1L), entry("not_tcp", 1L));
        assertThat(new DecodeCounters().snapshot()).isEmpty();
    }

    @Test
    void addSumsEveryCounter() {
        DecodeCounters a = new DecodeCounters();
        DecodeCounters b = new DecodeCounters();
        a.increment(DecodeOutcome.DECODED);
        b.increment(DecodeOutcome.DECODED);
        b.increment(DecodeOutcome.IPV6_ESP);
        a.add(b);
        assertThat(a.snapshot()).containsExactly(entry("decoded", 2L), entry("ipv6_esp", 1L));
        assertThat(b.framesTotal()).as("other unchanged").isEqualTo(2);
    }
}
