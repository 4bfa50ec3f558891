package net.synguard.mitigate;

import static net.synguard.mitigate.CookieCodec.INVALID;
import static net.synguard.mitigate.Flows.MAPPED;
import static net.synguard.mitigate.Flows.PERIOD_NS;
import static net.synguard.mitigate.Flows.ROTATION_NS;
import static net.synguard.mitigate.Flows.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Random flows (IPv4-mapped and IPv6), ISNs, MSS values and times within a cookie's life. Each
 * check of a wrong flow or ISN could pass by chance with probability 2^-29; with a fixed seed and a
 * few thousand examples that never happens, and a failure here is a real bug.
 */
class CookiePropertyTest {
    private static final int EXAMPLES = 3000;

    private final CookieCodec codec = new CookieCodec(CookieKeys.ephemeral(PERIOD_NS, ROTATION_NS));

    /** An address in two longs: half IPv4-mapped, half IPv6. */
    private static Gen<long[]> addresses() {
        return longs().all()
                .zip(
                        longs().all(),
                        integers().between(0, 1),
                        (hi, lo, v4) -> v4 == 1 ? new long[] {0, MAPPED | (lo & 0xFFFF_FFFFL)} : new long[] {hi, lo});
    }

    /** A SYN: its flow, ISN and MSS option (-1: none). */
    private record Syn(Flows flow, int isn, int mss) {}

    private static Gen<Syn> syns() {
        return addresses()
                .zip(
                        addresses(),
                        integers().all(),
                        integers().all(),
                        integers().between(-1, 9000),
                        (c, s, ports, isn, mss) ->
                                new Syn(new Flows(c[0], c[1], s[0], s[1], ports >>> 16, ports & 0xFFFF), isn, mss));
    }

    /** Issue time anywhere in a period, check time anywhere in the cookie's two-period life. */
    private static Gen<long[]> times() {
        return longs().between(0, PERIOD_NS - 1)
                .zip(longs().between(0, PERIOD_NS - 1), integers().between(0, 1), (issue, check, age) ->
                        new long[] {T0 + issue, T0 + age * PERIOD_NS + (age == 0 ? Math.max(issue, check) : check)});
    }

    @Test
    void everyCookieRoundTrips() {
        qt().withFixedSeed(20260101L)
                .withExamples(EXAMPLES)
                .forAll(syns(), times())
                .checkAssert((syn, t) -> {
                    int cookie = syn.flow().encode(codec, syn.isn(), syn.mss(), t[0]);
                    assertThat(syn.flow().check(codec, cookie, syn.isn(), t[1]))
                            .isEqualTo(CookieCodec.mssIndex(syn.mss()));
                });
    }

    @Test
    void anySingleBitOfTheFourTupleMatters() {
        qt().withFixedSeed(20260102L)
                .withExamples(EXAMPLES)
                .forAll(syns(), times(), integers().between(0, Flows.FLOW_BITS - 1))
                .checkAssert((syn, t, bit) -> {
                    int cookie = syn.flow().encode(codec, syn.isn(), syn.mss(), t[0]);
                    assertThat(syn.flow().flip(bit).check(codec, cookie, syn.isn(), t[1]))
                            .as("bit %d flipped", bit)
                            .isEqualTo(INVALID);
                });
    }

    @Test
    void anySingleBitOfTheIsnMatters() {
        qt().withFixedSeed(20260103L)
                .withExamples(EXAMPLES)
                .forAll(syns(), times(), integers().between(0, 31))
                .checkAssert((syn, t, bit) -> {
                    int cookie = syn.flow().encode(codec, syn.isn(), syn.mss(), t[0]);
                    assertThat(syn.flow().check(codec, cookie, syn.isn() ^ (1 << bit), t[1]))
                            .as("ISN bit %d flipped", bit)
                            .isEqualTo(INVALID);
                });
    }

    @Test
    void anySingleBitOfTheCookieMatters() {
        qt().withFixedSeed(20260104L)
                .withExamples(EXAMPLES)
                .forAll(syns(), times(), integers().between(0, 31))
                .checkAssert((syn, t, bit) -> {
                    int cookie = syn.flow().encode(codec, syn.isn(), syn.mss(), t[0]);
                    int index = syn.flow().check(codec, cookie ^ (1 << bit), syn.isn(), t[1]);
                    // Bits 0 and 1 move the MSS index within 0..3 (Linux's layout: the index is
                    // added into the low bits); they never give back the original index.
                    if (bit < 2) {
                        assertThat(index).isNotEqualTo(CookieCodec.mssIndex(syn.mss()));
                    } else {
                        assertThat(index).as("cookie bit %d flipped", bit).isEqualTo(INVALID);
                    }
                });
    }
}
