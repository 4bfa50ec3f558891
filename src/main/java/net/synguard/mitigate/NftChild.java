package net.synguard.mitigate;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running {@code nft --echo --interactive}. nft reads its stdin line by line and runs each
 * line as one transaction (lab.md); with {@code --echo} it prints {@code # new generation N by
 * process P (nft)} on stdout once the kernel has committed it, and on a failure it prints
 * {@code Error: ...} and the offending command on stderr instead (nftables src/cli.c,
 * src/libnftables.c). Those two lines are the acknowledgements {@link #send} waits for; no other
 * output matters.
 */
final class NftChild {
    private static final Logger LOG = LoggerFactory.getLogger(NftChild.class);
    private static final String APPLIED_PREFIX = "# new generation";
    private static final String ERROR_PREFIX = "Error:";

    enum Reply {
        APPLIED,
        ERROR,
        EXITED
    }

    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<Reply> replies = new LinkedBlockingQueue<>();
    private final LongAdder errorLines;
    private volatile String lastError = "";
    private volatile String lastStderr = "";

    private NftChild(Process process, LongAdder errorLines) {
        this.process = process;
        this.errorLines = errorLines;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII);
        Thread.ofPlatform().name("nft-stdout").daemon(true).start(() -> read(process.getInputStream(), false));
        Thread.ofPlatform().name("nft-stderr").daemon(true).start(() -> read(process.getErrorStream(), true));
    }

    /** @throws IOException when the command cannot be started (nft, or the namespace wrapper, missing) */
    static NftChild start(List<String> command, LongAdder errorLines) throws IOException {
        return new NftChild(new ProcessBuilder(command).start(), errorLines);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The exit status and last error line of a child that has exited, for the failure report. */
    String exitDescription() {
        try {
            // stdout's end can be seen a moment before the process is reaped.
            process.waitFor(200, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String status = process.isAlive() ? "still running" : "exited with status " + process.exitValue();
        return lastStderr.isEmpty() ? status : status + " (" + lastStderr + ")";
    }

    String lastError() {
        return lastError;
    }

    /**
     * Writes one line and waits for its acknowledgement.
     *
     * @return the reply, or {@code null} when none came within {@code timeoutMs}
     * @throws IOException when the pipe is closed (nft exited)
     */
    Reply send(String line, long timeoutMs) throws IOException, InterruptedException {
        // An error prints several lines, some of which may start with "Error:" (one per failed
        // message of the batch); late ones of an earlier line must not answer this one.
        replies.removeIf(r -> r == Reply.ERROR);
        stdin.write(line);
        stdin.write('\n');
        stdin.flush();
        Reply reply = replies.poll(timeoutMs, TimeUnit.MILLISECONDS);
        if (reply == Reply.ERROR) {
            // Let the rest of this line's error output arrive before the next line is written.
            while (replies.poll(2, TimeUnit.MILLISECONDS) == Reply.ERROR) {
                // absorbed
            }
        }
        return reply;
    }

    /** Closes nft's stdin (it exits at end of input), then kills it if it has not within 1 s. */
    void close() {
        try {
            stdin.close();
        } catch (IOException e) {
            // Already gone.
        }
        try {
            if (!process.waitFor(1, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private void read(InputStream stream, boolean stderr) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (stderr && !line.isBlank()) {
                    lastStderr = line.strip();
                }
                if (!stderr) {
                    if (line.startsWith(APPLIED_PREFIX)) {
                        replies.offer(Reply.APPLIED);
                    }
                } else if (line.startsWith(ERROR_PREFIX)) {
                    errorLines.increment();
                    lastError = line;
                    LOG.warn("nft: {}", line);
                    replies.offer(Reply.ERROR);
                } else if (!line.isBlank()) {
                    LOG.debug("nft: {}", line);
                }
            }
        } catch (IOException e) {
            // The process is gone; the stdout reader reports it below.
        }
        if (!stderr) {
            replies.offer(Reply.EXITED);
        }
    }
}
