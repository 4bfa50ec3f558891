package net.synguard.mitigate;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Big-endian writes and reads into frame buffers; callers size the buffer first, the view handles still bounds-check. */
final class NetworkOrder {
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private NetworkOrder() {}

    static void put8(byte[] b, int offset, int v) {
        b[offset] = (byte) v;
    }

    static void put16(byte[] b, int offset, int v) {
        SHORT.set(b, offset, (short) v);
    }

    static void put32(byte[] b, int offset, int v) {
        INT.set(b, offset, v);
    }

    static void put64(byte[] b, int offset, long v) {
        LONG.set(b, offset, v);
    }

    /** A 48-bit MAC address as the low bits of a long. */
    static long get48(byte[] b, int offset) {
        return ((long) ((short) SHORT.get(b, offset) & 0xFFFF) << 32) | ((int) INT.get(b, offset + 2) & 0xFFFF_FFFFL);
    }

    static void put48(byte[] b, int offset, long v) {
        SHORT.set(b, offset, (short) (v >>> 32));
        INT.set(b, offset + 2, (int) v);
    }
}
