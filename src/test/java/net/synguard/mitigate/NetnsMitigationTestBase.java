package net.synguard.mitigate;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the tests of a real {@link Mitigation} share: a network namespace with real nft for the
 * test class, a state directory, the events the mitigation wrote, and closing it after each test.
 */
@EnabledIf("net.synguard.mitigate.NetnsNft#available")
abstract class NetnsMitigationTestBase {
    static final NetnsNft NS = new NetnsNft();

    @TempDir
    Path dir;

    final List<String> events = Collections.synchronizedList(new ArrayList<>());
    Mitigation mitigation;

    @BeforeAll
    static void namespace() {
        NS.create();
    }

    @AfterAll
    static void removeNamespace() {
        NS.delete();
    }

    @AfterEach
    void close() {
        if (mitigation != null) {
            mitigation.close();
        }
    }

    /** {@code words} as a HOCON list of strings. */
    static String hoconList(List<String> words) {
        return "[ " + String.join(", ", words.stream().map(w -> "\"" + w + "\"").toList()) + " ]";
    }
}
