package net.synguard.alert;

/** Where alert events go. */
public interface AlertSink {
    /**
     * @param event the event name, e.g. {@code attack_started}
     * @param jsonLine the event as one JSON object, no line break: what the alert log holds
     * @param summary one line for people (the journal), no line break
     */
    void publish(String event, String jsonLine, String summary);
}
