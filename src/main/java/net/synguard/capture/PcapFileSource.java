package net.synguard.capture;

import java.nio.file.Path;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.Pcaps;

/**
 * Reads a pcap or pcapng file through pcap4j's {@code loop}, the fastest of its read calls
 * (shared/notes/capture-speed.md: about 1.7 M frames/s here, against 0.4 M for
 * {@code getNextRawPacketEx}). The handle is opened with nanosecond precision, so libpcap scales
 * microsecond files up and nanosecond files keep their digits.
 *
 * <p>pcap4j hands over a fresh array per frame and keeps the timestamp of "the last packet read on
 * this thread"; this adapter is where per-frame allocation stops. A handler that throws inside the
 * native callback would otherwise vanish into JNA's uncaught-exception handler, so the throwable is
 * kept, the loop broken, and the failure reported from {@link #run}.
 */
public final class PcapFileSource implements PacketSource {
    private final Path file;
    private final CaptureFormat format;
    private final PcapHandle handle;
    private final int linkType;
    private volatile boolean stopRequested;

    private PcapFileSource(Path file, CaptureFormat format, PcapHandle handle) {
        this.file = file;
        this.format = format;
        this.handle = handle;
        this.linkType = handle.getDlt().value();
    }

    /** Opens {@code file} after checking that its magic number is a capture format we read. */
    public static PcapFileSource open(Path file) throws CaptureException {
        CaptureFormat format = CaptureFormat.sniff(file);
        try {
            PcapHandle h = Pcaps.openOffline(file.toString(), PcapHandle.TimestampPrecision.NANO);
            return new PcapFileSource(file, format, h);
        } catch (PcapNativeException e) {
            throw new CaptureException(file + ": libpcap cannot open it: " + e.getMessage(), e);
        }
    }

    @Override
    public int linkType() {
        return linkType;
    }

    @Override
    public long run(FrameHandler handler) throws CaptureException {
        Pcap4jFrames frames = new Pcap4jFrames(handle, handler);
        try {
            handle.loop(-1, frames);
        } catch (InterruptedException e) {
            // breakLoop() ends the loop this way: after stop(), or after a handler failure below.
            if (!stopRequested && !frames.failed()) {
                Thread.currentThread().interrupt();
            }
        } catch (PcapNativeException e) {
            throw new CaptureException(
                    file + ": read failed after " + frames.count() + " frames: " + e.getMessage(), e);
        } catch (NotOpenException e) {
            throw new CaptureException(file + ": handle closed while reading", e);
        }
        frames.rethrow(file.toString());
        return frames.count();
    }

    @Override
    public void stop() {
        stopRequested = true;
        Pcap4jFrames.breakQuietly(handle);
    }

    @Override
    public String describe() {
        return format.description() + ", " + LinkType.name(linkType);
    }

    @Override
    public void close() {
        handle.close();
    }
}
