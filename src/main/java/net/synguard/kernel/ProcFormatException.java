package net.synguard.kernel;

import java.io.IOException;
import java.io.Serial;

/**
 * A {@code /proc} file that does not have the shape the kernel prints: the message names the file,
 * the line and what was expected. An {@link IOException} because to a caller it is one more way a
 * read can fail.
 */
public final class ProcFormatException extends IOException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;

    public ProcFormatException(String file, int line, String problem) {
        super(file + " line " + line + ": " + problem);
        this.file = file;
        this.line = line;
    }

    public String file() {
        return file;
    }

    /** 1-based. */
    public int line() {
        return line;
    }
}
