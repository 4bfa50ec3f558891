package net.synguard.capture;

import java.io.Serial;

/** A capture that cannot be opened or read: the message says which and why. */
public final class CaptureException extends Exception {
    @Serial
    private static final long serialVersionUID = 1L;

    public CaptureException(String message) {
        super(message);
    }

    public CaptureException(String message, Throwable cause) {
        super(message, cause);
    }
}
