package net.synguard.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddressesTest {

    @Test
    void ipv4IsMapped() {
        Address a = Addresses.parse("192.0.2.10");
        assertThat(a.hi()).isZero();
        assertThat(a.lo()).isEqualTo(0x0000_FFFF_C000_020AL);
        assertThat(a.isIpv4()).isTrue();
        assertThat(Addresses.ipv4(a.lo())).isEqualTo(0xC000_020A);
        assertThat(a).isEqualTo(Address.ofIpv4(0xC000_020A));
    }

    @Test
    void mappedLiteralIsTheSameAddressAsItsIpv4() {
        assertThat(Addresses.parse("::ffff:192.0.2.10")).isEqualTo(Addresses.parse("192.0.2.10"));
    }

    @ParameterizedTest
    @CsvSource({
        "192.0.2.10, 192.0.2.10",
        "0.0.0.0, 0.0.0.0",
        "255.255.255.255, 255.255.255.255",
        "2001:DB8:0:0:0:0:0:1, 2001:db8::1",
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
        "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
        "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",
        "::, ::",
        "::1, ::1",
        "1::, 1::",
        "fe80::1:2, fe80::1:2",
        "::ffff:0:0, 0.0.0.0",
        "64:ff9b::c000:20a, 64:ff9b::c000:20a",
        "::192.0.2.10, ::c000:20a",
    })
    void formatsPerRfc5952(String text, String expected) {
        Address a = Addresses.parse(text);
        assertThat(Addresses.format(a.hi(), a.lo())).isEqualTo(expected);
        assertThat(a.toString()).isEqualTo(expected);
        assertThat(Addresses.parse(expected)).isEqualTo(a);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                " ",
                "1.2.3",
                "256.0.0.1",
                "1.2.3.4.5",
                "example.com",
                "2001:db8::1::2",
                "gggg::1",
                "fe80::1%eth0",
                "[::1]",
                "1.2.3.4/24"
            })
    void rejectsWhatIsNotALiteral(String text) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Addresses.parse(text))
                .withMessageContaining("expected");
    }

    @Test
    void rejectsNull() {
        assertThatIllegalArgumentException().isThrownBy(() -> Addresses.parse(null));
    }

    @Test
    void ipv4Prefixes() {
        Address a = Addresses.parse("198.51.100.77");
        assertThat(prefix(a, 24, 64)).isEqualTo(Addresses.parse("198.51.100.0"));
        assertThat(prefix(a, 16, 64)).isEqualTo(Addresses.parse("198.51.0.0"));
        assertThat(prefix(a, 32, 64)).isEqualTo(a);
        assertThat(prefix(a, 0, 64)).isEqualTo(Addresses.parse("0.0.0.0"));
        assertThat(prefix(a, 0, 64).isIpv4()).isTrue();
    }

    @Test
    void ipv6Prefixes() {
        Address a = Addresses.parse("2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff");
        assertThat(prefix(a, 24, 64)).isEqualTo(Addresses.parse("2001:db8:aaaa:bbbb::"));
        assertThat(prefix(a, 24, 48)).isEqualTo(Addresses.parse("2001:db8:aaaa::"));
        assertThat(prefix(a, 24, 56)).isEqualTo(Addresses.parse("2001:db8:aaaa:bb00::"));
        assertThat(prefix(a, 24, 96)).isEqualTo(Addresses.parse("2001:db8:aaaa:bbbb:cccc:dddd::"));
        assertThat(prefix(a, 24, 128)).isEqualTo(a);
        assertThat(prefix(a, 24, 0)).isEqualTo(Addresses.parse("::"));
    }

    @Test
    void prefixLengthsOutOfRangeAreRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> Addresses.prefixHi(0, 0, 33, 64));
        assertThatIllegalArgumentException().isThrownBy(() -> Addresses.prefixLo(0, 0, 24, 129));
        assertThatIllegalArgumentException().isThrownBy(() -> Addresses.prefixLo(0, 0, -1, 64));
    }

    private static Address prefix(Address a, int v4, int v6) {
        return new Address(Addresses.prefixHi(a.hi(), a.lo(), v4, v6), Addresses.prefixLo(a.hi(), a.lo(), v4, v6));
    }
}
