package net.synguard.alert;

/** Where alert events go: one JSON object per line, already formatted. */
public interface AlertSink {
    void publish(String event, String jsonLine);
}
