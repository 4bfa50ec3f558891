package net.synguard.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** An interface's administrative state, from sysfs (the network namespace the daemon runs in). */
final class LinkState {
    /** IFF_UP in include/uapi/linux/if.h. */
    private static final int IFF_UP = 0x1;

    private LinkState() {}

    /** True when up, false when down, null when the interface is gone or sysfs says nothing. */
    static Boolean isUp(String iface) {
        try {
            String flags =
                    Files.readString(Path.of("/sys/class/net", iface, "flags")).trim();
            return (Integer.decode(flags) & IFF_UP) != 0;
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }
}
