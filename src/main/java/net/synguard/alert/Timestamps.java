package net.synguard.alert;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Packet time as operators read it: ISO-8601 UTC with milliseconds, {@code 2026-11-21T23:46:00.123Z}. */
public final class Timestamps {
    private static final DateTimeFormatter ISO =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter COMPACT =
            DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private Timestamps() {}

    public static String iso(long epochNs) {
        return ISO.format(instant(epochNs));
    }

    /** For identifiers: {@code 20261121T234600Z}. */
    public static String compact(long epochNs) {
        return COMPACT.format(instant(epochNs));
    }

    private static Instant instant(long epochNs) {
        return Instant.ofEpochSecond(Math.floorDiv(epochNs, 1_000_000_000L), Math.floorMod(epochNs, 1_000_000_000L));
    }
}
