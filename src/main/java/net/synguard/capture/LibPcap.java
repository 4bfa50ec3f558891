package net.synguard.capture;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * The few libpcap calls the FFM read loop needs, bound once through {@code java.lang.foreign}.
 *
 * <p>The library is named with its soname, {@code libpcap.so.0.8} as Debian ships it: the
 * unversioned {@code libpcap.so} exists only with the -dev package (shared/notes/capture-speed.md).
 * Binding fails with a message rather than an exception type when the library is missing, so the
 * caller can fall back to pcap4j and say why.
 */
// Restricted FFM calls are the point of this class; the launcher grants
// --enable-native-access=ALL-UNNAMED (and the jar manifest Enable-Native-Access).
@SuppressWarnings("restricted")
final class LibPcap {
    /** PCAP_TSTAMP_PRECISION_NANO (pcap/pcap.h). */
    static final int TSTAMP_PRECISION_NANO = 1;
    /** PCAP_ERRBUF_SIZE (pcap/pcap.h). */
    static final int ERRBUF_SIZE = 256;
    /** pcap_next_ex: a frame was read. */
    static final int NEXT_OK = 1;
    /** pcap_next_ex: no more frames in the file (PCAP_ERROR_BREAK). */
    static final int NEXT_EOF = -2;

    private static final String[] NAMES = {"libpcap.so.0.8", "libpcap.so.1", "libpcap.so"};

    final MethodHandle openOfflineWithPrecision;
    final MethodHandle nextEx;
    final MethodHandle datalink;
    final MethodHandle geterr;
    final MethodHandle close;
    final MethodHandle setnonblock;
    final MethodHandle selectableFd;
    /** libc's poll(2): waits for the capture socket with a timeout (see {@link NextExLoop}). */
    final MethodHandle poll;

    private static volatile LibPcap instance;
    private static volatile String failure;

    private LibPcap(SymbolLookup lib) {
        Linker linker = Linker.nativeLinker();
        // pcap_t *pcap_open_offline_with_tstamp_precision(const char *, u_int, char *errbuf)
        openOfflineWithPrecision = linker.downcallHandle(
                find(lib, "pcap_open_offline_with_tstamp_precision"),
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, ADDRESS));
        // int pcap_next_ex(pcap_t *, struct pcap_pkthdr **, const u_char **)
        nextEx = linker.downcallHandle(
                find(lib, "pcap_next_ex"), FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        datalink = linker.downcallHandle(find(lib, "pcap_datalink"), FunctionDescriptor.of(JAVA_INT, ADDRESS));
        geterr = linker.downcallHandle(find(lib, "pcap_geterr"), FunctionDescriptor.of(ADDRESS, ADDRESS));
        close = linker.downcallHandle(find(lib, "pcap_close"), FunctionDescriptor.ofVoid(ADDRESS));
        // int pcap_setnonblock(pcap_t *, int nonblock, char *errbuf)
        setnonblock = linker.downcallHandle(
                find(lib, "pcap_setnonblock"), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
        // int pcap_get_selectable_fd(pcap_t *)
        selectableFd =
                linker.downcallHandle(find(lib, "pcap_get_selectable_fd"), FunctionDescriptor.of(JAVA_INT, ADDRESS));
        // int poll(struct pollfd *fds, nfds_t nfds, int timeout)
        poll = linker.downcallHandle(
                linker.defaultLookup().find("poll").orElseThrow(() -> new IllegalStateException("libc has no poll")),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, java.lang.foreign.ValueLayout.JAVA_LONG, JAVA_INT));
    }

    private static MemorySegment find(SymbolLookup lib, String name) {
        return lib.find(name).orElseThrow(() -> new IllegalStateException("libpcap has no " + name));
    }

    /** The bound library, or null when it cannot be loaded ({@link #failure()} says why). */
    static LibPcap get() {
        LibPcap l = instance;
        if (l != null || failure != null) {
            return l;
        }
        synchronized (LibPcap.class) {
            if (instance == null && failure == null) {
                StringBuilder why = new StringBuilder();
                for (String name : NAMES) {
                    try {
                        instance = new LibPcap(SymbolLookup.libraryLookup(name, Arena.global()));
                        return instance;
                    } catch (RuntimeException e) {
                        why.append(why.isEmpty() ? "" : "; ")
                                .append(name)
                                .append(": ")
                                .append(e.getMessage());
                    }
                }
                failure = why.toString();
            }
            return instance;
        }
    }

    static String failure() {
        return failure;
    }
}
