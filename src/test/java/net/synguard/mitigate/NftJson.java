package net.synguard.mitigate;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough of {@code nft -j list set} to read the elements back. An element is one of
 * {@code "198.51.100.7"}, {@code {"elem": {"val": "198.51.100.7", "timeout": 60, ...}}} or, in a
 * concatenation, {@code {"concat": ["198.18.0.1", 80]}} (a range: {@code {"range": [0, 65535]}}).
 */
final class NftJson {
    private static final Pattern ELEM_ARRAY =
            Pattern.compile("\"elem\":\\s*\\[(.*)\\]\\s*}\\s*}\\s*]\\s*}\\s*$", Pattern.DOTALL);
    private static final Pattern CONCAT = Pattern.compile(
            "\\{\"concat\":\\s*\\[(\"[^\"]+\"),\\s*(\\d+|\\{\"range\":\\s*\\[(\\d+),\\s*(\\d+)\\]\\})\\]\\}");
    private static final Pattern PLAIN = Pattern.compile("\"val\":\\s*\"([^\"]+)\"|^\\s*\"([^\"]+)\"\\s*$");

    private NftJson() {}

    static List<String> elements(String json) {
        List<String> out = new ArrayList<>();
        Matcher array = ELEM_ARRAY.matcher(json.strip());
        if (!array.find()) {
            return out; // no "elem" key: the set is empty
        }
        String body = array.group(1);
        Matcher concat = CONCAT.matcher(body);
        boolean any = false;
        while (concat.find()) {
            any = true;
            String port = concat.group(3) != null ? concat.group(3) + "-" + concat.group(4) : concat.group(2);
            out.add(concat.group(1).replace("\"", "") + " . " + port);
        }
        if (any) {
            return out;
        }
        // Plain addresses: split on the top-level commas between elements.
        for (String part : splitTop(body)) {
            Matcher m = PLAIN.matcher(part);
            if (m.find()) {
                out.add(m.group(1) != null ? m.group(1) : m.group(2));
            }
        }
        return out;
    }

    private static List<String> splitTop(String body) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(body.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(body.substring(start));
        return parts;
    }
}
