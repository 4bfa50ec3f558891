package net.synguard.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Whatever a string holds (a field from a packet, an interface name, an error text from nft or a
 * hook), the event line stays one line of valid JSON that a strict parser ({@link StrictJson})
 * reads back as the same string; the only change is an unpaired surrogate, which becomes U+FFFD.
 */
class JsonLinePropertyTest {
    /**
     * Strings weighted towards what breaks writers: quotes, backslashes, control characters, DEL,
     * line and paragraph separators, surrogates alone, in pairs and in the wrong order, and the
     * rest of the BMP.
     */
    private static Gen<String> nastyStrings(int maxLength) {
        return lists().of(integers().between(0, (1 << 24) - 1))
                .ofSizeBetween(0, maxLength)
                .map(JsonLinePropertyTest::toText);
    }

    private static String toText(List<Integer> draws) {
        StringBuilder sb = new StringBuilder();
        for (int d : draws) {
            int v = d & 0xFFFF;
            switch (d >>> 16 & 7) {
                case 0 -> sb.append((char) (0x20 + v % 0x5f)); // printable ASCII
                case 1 -> sb.append("\"\\/\u007f\u2028\u2029\ufeff\ufffd".charAt(v % 8));
                case 2 -> sb.append((char) (v % 0x20)); // C0 controls
                case 3 -> sb.append((char) (0xD800 + v % 0x400)); // high surrogate, maybe alone
                case 4 -> sb.append((char) (0xDC00 + v % 0x400)); // low surrogate, maybe alone
                case 5 -> sb.appendCodePoint(0x10000 + v * 16 % 0x100000); // a valid pair
                case 6 -> sb.append((char) (0x80 + v % 0x80)); // C1 controls and Latin-1
                default -> sb.append((char) v); // anything in the BMP
            }
        }
        return sb.toString();
    }

    /** What the line must read back as: unpaired surrogates replaced. */
    static String expected(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                sb.append(c).append(s.charAt(++i));
            } else {
                sb.append(Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return sb.toString();
    }

    @Test
    void anyStringInAnyPositionReadsBackFromOneAsciiLine() {
        qt().withFixedSeed(20261122L)
                .withExamples(3000)
                .forAll(nastyStrings(64), nastyStrings(200))
                .checkAssert((key, value) -> {
                    String line = new JsonLine()
                            .field("event", "attack_started")
                            .field("value", value)
                            .beginObject("fields")
                            .field(key, value)
                            .endObject()
                            .beginArray("values")
                            .value(value)
                            .value(key)
                            .endArray()
                            .build();
                    assertThat(line.chars())
                            .as("printable ASCII only, so no line break")
                            .allMatch(c -> c >= 0x20 && c <= 0x7e);
                    @SuppressWarnings("unchecked")
                    Map<String, Object> root = (Map<String, Object>) StrictJson.parse(line);
                    assertThat(root).containsEntry("value", expected(value));
                    assertThat(root.get("fields")).isEqualTo(Map.of(expected(key), expected(value)));
                    assertThat(root.get("values")).isEqualTo(List.of(expected(value), expected(key)));
                });
    }

    @Test
    void surrogatesAlonePairedAndReversed() {
        String pair = new String(Character.toChars(0x1F600));
        String line = new JsonLine()
                .field("pair", pair)
                .field("alone", "a\uD800b\uDC00")
                .field("reversed", "\uDC00\uD800")
                .field("high_at_end", "x\uDBFF")
                .build();
        assertThat(line)
                .isEqualTo("{\"pair\":\"\\ud83d\\ude00\",\"alone\":\"a\\ufffdb\\ufffd\","
                        + "\"reversed\":\"\\ufffd\\ufffd\",\"high_at_end\":\"x\\ufffd\"}");
        assertThat(StrictJson.parse(line))
                .isEqualTo(Map.of(
                        "pair", pair, "alone", "a\uFFFDb\uFFFD", "reversed", "\uFFFD\uFFFD", "high_at_end", "x\uFFFD"));
    }

    @Test
    void aVeryLongStringStaysOneValidLine() {
        String big = toText(java.util.stream.IntStream.range(0, 1 << 20)
                .map(i -> (int) ((i * 0x9E3779B1L) & 0xFFFFFF))
                .boxed()
                .toList());
        String line = new JsonLine().field("message", big).build();
        assertThat(line).doesNotContain("\n").doesNotContain("\r");
        assertThat(line.length()).isLessThanOrEqualTo(6 * big.length() + 20);
        assertThat(((Map<?, ?>) StrictJson.parse(line)).get("message")).isEqualTo(expected(big));
    }

    @Test
    void aMissingStringIsNullNotALostEvent() {
        String line = new JsonLine().field("interface", (String) null).build();
        assertThat(line).isEqualTo("{\"interface\":null}");
    }

    @Test
    void nestingBeyondItsBitsIsRefused() {
        JsonLine j = new JsonLine();
        for (int i = 0; i < 63; i++) {
            j.beginArray("a" + i);
        }
        assertThatThrownBy(() -> j.beginArray("deep")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theStrictParserRefusesWhatItShould() {
        for (String bad : List.of(
                "{\"a\":\"\\ud800\"}",
                "{\"a\":\"\\udc00\\ud800\"}",
                "{\"a\":\"x\ny\"}",
                "{\"a\":\"\\x\"}",
                "{\"a\":1,\"a\":2}",
                "{\"a\":01}",
                "{\"a\":1}x",
                "{\"a\":\"unterminated}")) {
            assertThatThrownBy(() -> StrictJson.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(StrictJson.parse("{\"a\":[1,-2.5e3,true,null,\"\\u00e9\\n\"]}"))
                .isEqualTo(Map.of("a", java.util.Arrays.asList("1", "-2.5e3", true, null, "\u00e9\n")));
    }
}
