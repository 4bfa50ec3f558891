package net.synguard.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class JsonLineTest {
    @Test
    void writesNestedContainersInCallOrder() {
        String line = new JsonLine()
                .field("event", "attack_started")
                .field("rate", 12)
                .field("ratio", 0.0625, 3)
                .beginArray("ports")
                .value(80)
                .value(443)
                .endArray()
                .beginArray("top")
                .beginObject()
                .field("a", "x")
                .endObject()
                .beginObject()
                .field("a", "y")
                .endObject()
                .endArray()
                .beginObject("o")
                .field("ok", true)
                .endObject()
                .build();
        assertThat(line)
                .isEqualTo("{\"event\":\"attack_started\",\"rate\":12,\"ratio\":0.063,\"ports\":[80,443],"
                        + "\"top\":[{\"a\":\"x\"},{\"a\":\"y\"}],\"o\":{\"ok\":true}}");
    }

    @Test
    void escapesAnythingThatCouldBreakTheLine() {
        String line = new JsonLine().field("s", "a\"b\\c\nd\u0001é\u2028").build();
        assertThat(line).isEqualTo("{\"s\":\"a\\\"b\\\\c\\nd\\u0001\\u00e9\\u2028\"}");
        assertThat(line).doesNotContain("\n");
    }

    @Test
    void nonFiniteNumbersBecomeNull() {
        assertThat(new JsonLine().field("r", Double.NaN, 2).build()).isEqualTo("{\"r\":null}");
    }

    @Test
    void refusesUnbalancedContainers() {
        assertThatThrownBy(() -> new JsonLine().beginArray("a").build()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void timestampsAreUtcMilliseconds() {
        assertThat(Timestamps.iso(1_575_368_472_123_456_789L)).isEqualTo("2019-12-03T10:21:12.123Z");
        assertThat(Timestamps.compact(1_575_368_472_123_456_789L)).isEqualTo("20191203T102112Z");
    }
}
