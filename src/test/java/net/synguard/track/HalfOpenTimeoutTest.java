package net.synguard.track;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HalfOpenTimeoutTest {
    static final long SEC = 1_000_000_000L;

    @Test
    void kernelDefaultsGiveSixtyThreeSeconds() {
        assertThat(HalfOpenTimeout.nanos(5, SEC)).isEqualTo(63 * SEC);
        assertThat(HalfOpenTimeout.DEFAULT_NS).isEqualTo(63 * SEC);
    }

    @Test
    void followsDoublingSchedule() {
        assertThat(HalfOpenTimeout.nanos(0, SEC)).isEqualTo(SEC);
        assertThat(HalfOpenTimeout.nanos(1, SEC)).isEqualTo(3 * SEC);
        assertThat(HalfOpenTimeout.nanos(2, 3 * SEC)).isEqualTo(21 * SEC);
        assertThat(HalfOpenTimeout.nanos(6, SEC)).isEqualTo(127 * SEC);
    }

    @Test
    void intervalsStopAtTcpRtoMax() {
        // 1+2+4+8+16+32+64, then 120 (not 128) per retry.
        assertThat(HalfOpenTimeout.nanos(7, SEC)).isEqualTo(247 * SEC);
        assertThat(HalfOpenTimeout.nanos(255, SEC)).isEqualTo((127 + 120L * 249) * SEC);
        assertThat(HalfOpenTimeout.nanos(3, SEC, 2 * SEC)).isEqualTo(7 * SEC);
    }

    @Test
    void saturatesInsteadOfOverflowing() {
        assertThat(HalfOpenTimeout.nanos(255, Long.MAX_VALUE / 4, Long.MAX_VALUE))
                .isEqualTo(Long.MAX_VALUE);
        assertThat(HalfOpenTimeout.nanos(1, Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void rejectsWhatTheSysctlRejects() {
        assertThatThrownBy(() -> HalfOpenTimeout.nanos(-1, SEC))
                .hasMessage("tcp_synack_retries: -1 (expected: 0..255)");
        assertThatThrownBy(() -> HalfOpenTimeout.nanos(256, SEC))
                .hasMessage("tcp_synack_retries: 256 (expected: 0..255)");
        assertThatThrownBy(() -> HalfOpenTimeout.nanos(5, 0)).hasMessage("initial RTO: 0 ns (expected: > 0)");
        assertThatThrownBy(() -> HalfOpenTimeout.nanos(5, SEC, SEC - 1)).hasMessageStartingWith("maximum RTO");
    }
}
