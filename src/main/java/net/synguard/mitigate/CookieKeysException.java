package net.synguard.mitigate;

import java.io.Serial;

/** The cookie key file cannot be kept: the message names the path and why. */
public final class CookieKeysException extends Exception {
    @Serial
    private static final long serialVersionUID = 1L;

    public CookieKeysException(String message) {
        super(message);
    }

    public CookieKeysException(String message, Throwable cause) {
        super(message, cause);
    }
}
