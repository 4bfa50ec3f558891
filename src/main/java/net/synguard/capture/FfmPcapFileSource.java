package net.synguard.capture;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * Reads a capture file with libpcap's own {@code pcap_next_ex}, called through FFM
 * ({@link NextExLoop}): the read loop DESIGN.md (decision 5) asks for. pcap4j's {@code loop} costs
 * about 0.9 microseconds a frame here (a new array, JNA structure reads and a
 * {@code java.sql.Timestamp} per frame); this costs a fraction of that and allocates nothing per
 * frame. The file is opened with nanosecond precision, so libpcap scales microsecond files up.
 */
// Restricted FFM calls are the point of this class; the launcher grants
// --enable-native-access=ALL-UNNAMED (and the jar manifest Enable-Native-Access).
@SuppressWarnings("restricted")
public final class FfmPcapFileSource implements PacketSource {
    private final CaptureFormat format;
    private final LibPcap lib;
    private final Arena arena;
    private final MemorySegment handle;
    private final int linkType;
    private final NextExLoop loop;

    private FfmPcapFileSource(Path file, CaptureFormat format, LibPcap lib, Arena arena, MemorySegment handle)
            throws Throwable {
        this.format = format;
        this.lib = lib;
        this.arena = arena;
        this.handle = handle;
        this.linkType = (int) lib.datalink.invokeExact(handle);
        this.loop = new NextExLoop(lib, handle, arena, file.toString());
    }

    /** True when libpcap can be bound through FFM; otherwise {@link #unavailableReason()} says why. */
    public static boolean available() {
        return LibPcap.get() != null;
    }

    public static String unavailableReason() {
        return LibPcap.failure();
    }

    public static FfmPcapFileSource open(Path file) throws CaptureException {
        CaptureFormat format = CaptureFormat.sniff(file);
        LibPcap lib = LibPcap.get();
        if (lib == null) {
            throw new CaptureException("libpcap cannot be loaded through FFM: " + LibPcap.failure());
        }
        Arena arena = Arena.ofShared();
        try {
            MemorySegment errbuf = arena.allocate(LibPcap.ERRBUF_SIZE);
            MemorySegment name = arena.allocateFrom(file.toString());
            MemorySegment h = (MemorySegment)
                    lib.openOfflineWithPrecision.invokeExact(name, LibPcap.TSTAMP_PRECISION_NANO, errbuf);
            if (h.equals(MemorySegment.NULL)) {
                throw new CaptureException(file + ": libpcap cannot open it: " + errbuf.getString(0));
            }
            return new FfmPcapFileSource(file, format, lib, arena, h);
        } catch (CaptureException e) {
            arena.close();
            throw e;
        } catch (Throwable t) {
            arena.close();
            throw new CaptureException(file + ": libpcap call failed: " + t, t);
        }
    }

    @Override
    public int linkType() {
        return linkType;
    }

    @Override
    public long run(FrameHandler handler) throws CaptureException {
        return loop.run(handler);
    }

    @Override
    public void stop() {
        loop.stop();
    }

    @Override
    public String describe() {
        return format.description() + ", " + LinkType.name(linkType) + ", ffm";
    }

    @Override
    public void close() {
        try {
            lib.close.invokeExact(handle);
        } catch (Throwable t) {
            // Closing a file handle does not fail in libpcap; nothing useful to add if it did.
        } finally {
            arena.close();
        }
    }
}
