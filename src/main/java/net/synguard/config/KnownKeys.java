package net.synguard.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Refuses keys the defaults do not have. A typo such as {@code syn_rate} would otherwise leave the
 * default in force without a word, which is the worst failure a config file can have. The nearest
 * known key is suggested when one is close.
 */
final class KnownKeys {

    private final Set<String> leaves;

    /** @param leaves full dotted paths of every leaf (non-object value) the defaults have */
    KnownKeys(Set<String> leaves) {
        this.leaves = new TreeSet<>(leaves);
    }

    static KnownKeys of(Config defaults) {
        Set<String> paths = new TreeSet<>();
        for (Map.Entry<String, ConfigValue> e : defaults.entrySet()) {
            paths.add(e.getKey());
        }
        return new KnownKeys(paths);
    }

    /**
     * Throws for the first (by line, then key) leaf of {@code operator} that is not known. A leaf
     * under a known leaf ({@code protect { address = ... }}) is left to the type check of that
     * known key, which says better what is wrong.
     */
    void check(Config operator, String file) throws ConfigError {
        List<Map.Entry<String, ConfigValue>> entries = new ArrayList<>(operator.entrySet());
        entries.sort(Comparator.comparingInt((Map.Entry<String, ConfigValue> e) ->
                        e.getValue().origin().lineNumber())
                .thenComparing(Map.Entry::getKey));
        Values values = new Values(operator, file, "", null);
        for (Map.Entry<String, ConfigValue> e : entries) {
            String path = e.getKey();
            if (leaves.contains(path) || underKnownLeaf(path)) {
                continue;
            }
            List<String> children = childrenOf(path);
            if (!children.isEmpty()) {
                throw values.at(e.getValue(), path, "an object { " + String.join(", ", children) + " }");
            }
            String near = nearest(path, leaves);
            throw values.at(
                    e.getValue(), path, near == null ? "a known key" : "a known key, did you mean " + near + "?");
        }
    }

    private boolean underKnownLeaf(String path) {
        for (int dot = path.indexOf('.'); dot > 0; dot = path.indexOf('.', dot + 1)) {
            if (leaves.contains(path.substring(0, dot))) {
                return true;
            }
        }
        return false;
    }

    /** Direct child keys of {@code path} when it is an object in the defaults, sorted. */
    private List<String> childrenOf(String path) {
        Set<String> children = new TreeSet<>();
        String start = path + ".";
        for (String leaf : leaves) {
            if (leaf.startsWith(start)) {
                String rest = leaf.substring(start.length());
                int dot = rest.indexOf('.');
                children.add(dot < 0 ? rest : rest.substring(0, dot));
            }
        }
        return List.copyOf(children);
    }

    /**
     * The known key most like {@code unknown}, or null: a close spelling of the whole path (a typo),
     * else a key whose last part is spelled like the unknown one's (right name, wrong place, such as
     * a top-level {@code interfaces} outside {@code synguard { }}).
     */
    static String nearest(String unknown, Set<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(unknown, k);
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        if (best != null && bestDistance <= Math.max(2, lastPart(unknown).length() / 3)) {
            return best;
        }
        String last = lastPart(unknown);
        best = null;
        bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            if (distance(last, lastPart(k)) <= Math.max(1, last.length() / 5)) {
                int d = distance(unknown, k);
                if (d < bestDistance) {
                    best = k;
                    bestDistance = d;
                }
            }
        }
        return best;
    }

    private static String lastPart(String path) {
        return path.substring(path.lastIndexOf('.') + 1);
    }

    /** Levenshtein distance (insert, delete, substitute), two rows. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
