package net.synguard.testing;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads alert event lines in tests, without a JSON library in the test path. */
public final class EventLines {
    private EventLines() {}

    public static List<String> events(List<String> lines, String event) {
        return lines.stream()
                .filter(l -> l.contains("\"event\":\"" + event + "\""))
                .toList();
    }

    /** A flat (string or number) field's value. */
    public static String field(String line, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":\"?([^\",}]*)").matcher(line);
        if (!m.find()) {
            throw new AssertionError("no field " + key + " in " + line);
        }
        return m.group(1);
    }

    public static String firstTopSource(String line) {
        Matcher m = Pattern.compile("\"top_sources\":\\[\\{\"address\":\"([^\"]+)\"")
                .matcher(line);
        if (!m.find()) {
            throw new AssertionError("no top source in " + line);
        }
        return m.group(1);
    }
}
