package net.synguard.mitigate;

/**
 * The secrets a codec uses at one moment, swapped whole on rotation so that a reader on any thread
 * sees a consistent set with one volatile read.
 *
 * <p>Every counter period belongs to exactly one generation: {@code previous} (null before the first
 * rotation) issued the cookies of counters below {@code switchCounter}, {@code current} those from
 * it on. A rotation takes effect at the next period boundary, so cookies issued earlier in the
 * rotation's own period still belong to the key that issued them; and a check tries each
 * generation only for the counters it owns, which keeps the forgery odds at their one-key value.
 *
 * @param switchAtNs packet time of the first period that {@code current} owns ({@code
 *     switchCounter * periodNs}); {@link Long#MIN_VALUE} when there is no previous generation
 * @param rotationDueNs packet time of the next rotation; {@link CookieKeys#NOT_SCHEDULED} until the
 *     first packet
 */
record KeyRing(CookieSecret current, CookieSecret previous, long switchAtNs, long switchCounter, long rotationDueNs) {

    KeyRing withRotationDue(long dueNs) {
        return new KeyRing(current, previous, switchAtNs, switchCounter, dueNs);
    }
}
