package net.synguard.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reading a sysctl from {@code /proc/sys}. */
public final class Sysctls {
    private Sysctls() {}

    /**
     * The file's text without surrounding white space (the kernel ends it with a newline). Not
     * {@code Files.readString}: for a file of size 0, as every /proc/sys file is, it reads one
     * byte, then asks for the rest at offset 1, where a sysctl reads as empty (kernel/sysctl.c,
     * proc_dointvec and friends: a read at a nonzero offset returns nothing), so "2048" would read
     * as "2". {@code readAllBytes} of a stream asks for 16 KiB at offset 0: the whole value.
     */
    public static String read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip();
        }
    }
}
