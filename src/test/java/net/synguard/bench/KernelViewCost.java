package net.synguard.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;
import net.synguard.kernel.KernelSnapshot;
import net.synguard.kernel.KernelView;

/**
 * What one refresh of the kernel view costs the thread that does it: heap bytes allocated
 * (com.sun.management.ThreadMXBean, exact, TLAB included) and CPU time (user + system, so the
 * kernel's work printing /proc/net/tcp counts), per {@link KernelView#read}. Uses only the public
 * API, so the same class measures an older jar too (tests/bench/kernelview-cost.sh runs both).
 *
 * <pre>
 *   java -cp JAR:target/test-classes net.synguard.bench.KernelViewCost [PROC_ROOT] [REFRESHES]
 * </pre>
 *
 * PROC_ROOT defaults to /proc (this process's network namespace); a directory with net/netstat,
 * net/tcp and net/tcp6 works too. Prints key=value lines: medians over the measured refreshes,
 * after as many unmeasured ones to warm the JIT up.
 */
public final class KernelViewCost {
    private KernelViewCost() {}

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : "/proc");
        int refreshes = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        KernelView view = KernelView.ofProcRoot(root);
        KernelSnapshot last = null;
        for (int i = 0; i < refreshes; i++) {
            last = view.read(i);
        }
        long[] bytes = new long[refreshes];
        long[] cpuNs = new long[refreshes];
        long[] wallNs = new long[refreshes];
        long[] userNs = new long[refreshes];
        for (int i = 0; i < refreshes; i++) {
            long b0 = threads.getCurrentThreadAllocatedBytes();
            long c0 = threads.getCurrentThreadCpuTime();
            long u0 = threads.getCurrentThreadUserTime();
            long w0 = System.nanoTime();
            last = view.read(i);
            wallNs[i] = System.nanoTime() - w0;
            cpuNs[i] = threads.getCurrentThreadCpuTime() - c0;
            userNs[i] = threads.getCurrentThreadUserTime() - u0;
            bytes[i] = threads.getCurrentThreadAllocatedBytes() - b0;
        }
        System.out.println("proc_root=" + root);
        System.out.println("refreshes=" + refreshes);
        System.out.println("syn_recv=" + (last == null ? 0 : last.synRecvTotal()));
        System.out.println("listeners=" + (last == null ? 0 : last.listeners().size()));
        System.out.println("bytes_per_refresh_median=" + median(bytes));
        System.out.println("bytes_per_refresh_max=" + Arrays.stream(bytes).max().orElse(0));
        System.out.println("cpu_us_per_refresh_median=" + median(cpuNs) / 1000);
        // Thread user time ticks in jiffies (10 ms or 4 ms): a median of zeros means "under a tick".
        System.out.println("user_us_per_refresh_mean=" + Arrays.stream(userNs).sum() / refreshes / 1000);
        System.out.println("wall_us_per_refresh_median=" + median(wallNs) / 1000);
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length == 0 ? 0 : sorted[sorted.length / 2];
    }
}
