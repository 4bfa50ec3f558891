package net.synguard.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hook runs a real program (/bin/sh) with each event on its stdin, bounded in time and queue. */
class HookSinkTest {
    @TempDir
    Path dir;

    private final List<String> passedOn = new ArrayList<>();
    private final AlertSink next = (event, line, summary) -> passedOn.add(line);

    @Test
    void eachEventReachesTheCommandOnItsStdinAndIsPassedOn() throws Exception {
        Path out = dir.resolve("events.jsonl");
        try (HookSink hook = new HookSink(next, List.of("/bin/sh", "-c", "cat >> " + out), Duration.ofSeconds(5))) {
            hook.publish("attack_started", "{\"event\":\"attack_started\"}", "s");
            hook.publish("attack_ended", "{\"event\":\"attack_ended\"}", "s");
        }
        assertThat(passedOn).hasSize(2);
        assertThat(Files.readAllLines(out))
                .containsExactly("{\"event\":\"attack_started\"}", "{\"event\":\"attack_ended\"}");
    }

    @Test
    void aHookThatOutlivesItsTimeoutIsKilledAndCounted() {
        HookSink hook = new HookSink(next, List.of("/bin/sh", "-c", "sleep 30"), Duration.ofMillis(200));
        long start = System.nanoTime();
        hook.publish("attack_started", "{}", "s");
        hook.close();
        assertThat(hook.failed()).isEqualTo(1);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aFailingHookIsCountedAndTheEventStillPassesOn() {
        HookSink hook = new HookSink(next, List.of("/bin/sh", "-c", "exit 3"), Duration.ofSeconds(5));
        hook.publish("attack_started", "{}", "s");
        hook.close();
        assertThat(hook.failed()).isEqualTo(1);
        assertThat(passedOn).hasSize(1);
    }

    @Test
    void aMissingProgramIsCountedNotThrown() {
        HookSink hook = new HookSink(next, List.of("/nonexistent/notify"), Duration.ofSeconds(1));
        hook.publish("attack_started", "{}", "s");
        hook.close();
        assertThat(hook.failed()).isEqualTo(1);
    }

    @Test
    void aFullQueueDropsAndCountsInsteadOfBlocking() {
        HookSink hook = new HookSink(next, List.of("/bin/sh", "-c", "sleep 30"), Duration.ofMillis(100));
        long start = System.nanoTime();
        for (int i = 0; i < 300; i++) {
            hook.publish("attack_update", "{}", "s");
        }
        // The publisher never waited on the hook: 300 events handed over in well under a second.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        assertThat(hook.dropped()).isGreaterThanOrEqualTo(300 - 256 - 1);
        assertThat(passedOn).hasSize(300);
    }
}
