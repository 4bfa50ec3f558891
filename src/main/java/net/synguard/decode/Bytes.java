package net.synguard.decode;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Network-order reads from a frame. Callers check bounds first (the decoders compare offsets with
 * the captured length before every read), so these never see an index outside the array; the view
 * handles still bounds-check, which is what keeps a decoder bug from reading garbage silently.
 */
final class Bytes {
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private Bytes() {}

    static int u8(byte[] b, int offset) {
        return b[offset] & 0xFF;
    }

    static int u16(byte[] b, int offset) {
        return ((b[offset] & 0xFF) << 8) | (b[offset + 1] & 0xFF);
    }

    static int i32(byte[] b, int offset) {
        return (int) INT.get(b, offset);
    }

    static long i64(byte[] b, int offset) {
        return (long) LONG.get(b, offset);
    }
}
