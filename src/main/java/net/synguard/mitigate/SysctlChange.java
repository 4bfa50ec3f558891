package net.synguard.mitigate;

/**
 * One step of the {@link KernelPlaybook}, as tried: what the sysctl read before and after.
 *
 * @param name as sysctl(8) spells it: {@code net.ipv4.tcp_syncookies}
 * @param before the value read before the step; null only when it could not be read
 * @param after the value after the step (equal to {@code before} when nothing was written); null
 *     only when it could not be read
 * @param error null when the step did what it should; otherwise what happened, naming the file and
 *     the reason (a failed read or write, or a restore that left an operator's newer value alone)
 */
public record SysctlChange(String name, String before, String after, String error) {
    public boolean ok() {
        return error == null;
    }

    /** Whether the step changed the value (a write that succeeded). */
    public boolean changed() {
        return before != null && after != null && !before.equals(after);
    }

    @Override
    public String toString() {
        return name + " " + before + " -> " + after + (error == null ? "" : " (" + error + ")");
    }
}
