package net.synguard.alert;

import java.util.List;

/**
 * The events no packet causes: {@code capture_error} and {@code config_reloaded}. Stamped with the
 * wall clock the caller passes, since there is no packet time for them.
 */
public final class DaemonEvents {
    private DaemonEvents() {}

    /**
     * @param action what the daemon does about it: {@code "retrying"}, {@code "reopened"}
     */
    public static void captureError(AlertSink sink, long nowNs, String iface, String action, String message) {
        String json = new JsonLine()
                .field("ts", Timestamps.iso(nowNs))
                .field("event", "capture_error")
                .field("interface", iface)
                .field("action", action)
                .field("message", message)
                .build();
        sink.publish("capture_error", json, "capture_error on " + iface + ": " + action + ": " + message);
    }

    public static void configReloaded(
            AlertSink sink, long nowNs, String file, boolean ok, String error, List<String> restartRequired) {
        JsonLine j = new JsonLine()
                .field("ts", Timestamps.iso(nowNs))
                .field("event", "config_reloaded")
                .field("file", file)
                .field("ok", ok);
        if (ok) {
            j.beginArray("restart_required");
            restartRequired.forEach(j::value);
            j.endArray();
        } else {
            j.field("error", error).field("kept", "the configuration in force before the reload");
        }
        String summary = ok
                ? "config_reloaded from " + file
                        + (restartRequired.isEmpty() ? "" : "; needs a restart for " + restartRequired)
                : "config_reloaded FAILED, keeping the old configuration: " + error;
        sink.publish("config_reloaded", j.build(), summary);
    }
}
