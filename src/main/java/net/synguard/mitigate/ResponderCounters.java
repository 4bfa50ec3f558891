package net.synguard.mitigate;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the responders of all capture threads did, together: LongAdders, so that counting on the
 * packet path neither allocates nor contends. Named as the {@code counter} label of {@code
 * synguard_mitigation_responder_total}.
 */
final class ResponderCounters {
    final LongAdder synAcksSent = new LongAdder();
    final LongAdder retrySynAcks = new LongAdder();
    final LongAdder resetSynAcks = new LongAdder();
    final LongAdder resetsSent = new LongAdder();
    final LongAdder notAnswerable = new LongAdder();
    final LongAdder ownSource = new LongAdder();
    final LongAdder backedOff = new LongAdder();
    final LongAdder rateLimited = new LongAdder();
    /** Answers not sent: the send queue was full, or the send failed. */
    final LongAdder sendFailed = new LongAdder();

    final LongAdder badCookies = new LongAdder();
    final LongAdder sourcesVerified = new LongAdder();
    /** Verified sources over the verified SYN rate: revoked and blocked. */
    final LongAdder verifiedFloods = new LongAdder();
    /** Valid cookies from revoked sources, which verify nothing. */
    final LongAdder revokedCookies = new LongAdder();
    /** Verified sources whose SYN came before nft had them, answered with a retry SYN-ACK again. */
    final LongAdder pendingRechallenged = new LongAdder();

    /** The counters by name, in a stable order (off the packet path: it allocates). */
    Map<String, Long> byName() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("synacks_sent", synAcksSent.sum());
        m.put("retry_synacks", retrySynAcks.sum());
        m.put("reset_synacks", resetSynAcks.sum());
        m.put("resets_sent", resetsSent.sum());
        m.put("sources_verified", sourcesVerified.sum());
        m.put("bad_cookies", badCookies.sum());
        m.put("verified_floods", verifiedFloods.sum());
        m.put("revoked_cookies", revokedCookies.sum());
        m.put("pending_rechallenged", pendingRechallenged.sum());
        m.put("rate_limited", rateLimited.sum());
        m.put("backed_off", backedOff.sum());
        m.put("not_answerable", notAnswerable.sum());
        m.put("own_source", ownSource.sum());
        m.put("send_failed", sendFailed.sum());
        return m;
    }
}
