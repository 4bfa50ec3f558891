package net.synguard.pipeline;

import java.util.ArrayList;
import java.util.List;
import net.synguard.alert.AlertSink;

/** Keeps published event lines in memory for assertions. */
final class CollectingSink implements AlertSink {
    final List<String> lines = new ArrayList<>();

    @Override
    public void publish(String event, String jsonLine, String summary) {
        lines.add(jsonLine);
    }
}
