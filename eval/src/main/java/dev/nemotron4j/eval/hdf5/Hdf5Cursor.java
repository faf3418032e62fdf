package dev.nemotron4j.eval.hdf5;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A little-endian reading position in the mapped file. Addresses ({@link #offset()}) and lengths ({@link #length()})
 * have the widths the superblock declares; addresses are returned absolute (the base address added).
 */
final class Hdf5Cursor {
    static final long UNDEFINED = -1;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Hdf5File file;
    private long position;

    Hdf5Cursor(Hdf5File file, long position) {
        this.file = file;
        this.position = position;
    }

    long position() { return position; }

    Hdf5Cursor seek(long position) {
        this.position = position;
        return this;
    }

    Hdf5Cursor skip(long bytes) {
        position += bytes;
        return this;
    }

    private MemorySegment at(long bytes) {
        MemorySegment data = file.data();
        if (position < 0 || position + bytes > data.byteSize()) {
            throw file.error("reads " + bytes + " bytes at offset " + position + ", past the end of the file (" + data.byteSize()
                    + " bytes): truncated or corrupt");
        }
        return data;
    }

    int u8() {
        int v = at(1).get(ValueLayout.JAVA_BYTE, position) & 0xff;
        position += 1;
        return v;
    }

    int u16() {
        int v = at(2).get(SHORT, position) & 0xffff;
        position += 2;
        return v;
    }

    long u32() {
        long v = Integer.toUnsignedLong(at(4).get(INT, position));
        position += 4;
        return v;
    }

    /** An unsigned little-endian integer of 1 to 8 bytes (a value above 2^63 comes back negative). */
    long uint(int width) {
        MemorySegment data = at(width);
        long v = 0;
        for (int i = 0; i < width; i++) v |= (data.get(ValueLayout.JAVA_BYTE, position + i) & 0xffL) << (8 * i);
        position += width;
        return v;
    }

    /** An address: absolute, or {@link #UNDEFINED} for the all-ones value. */
    long offset() {
        int width = file.offsetSize();
        long raw = uint(width);
        if (width == 8 ? raw == -1 : raw == (1L << (8 * width)) - 1) return UNDEFINED;
        return raw + file.baseAddress();
    }

    long length() {
        return uint(file.lengthSize());
    }

    byte[] bytes(int n) {
        byte[] out = new byte[n];
        MemorySegment.copy(at(n), ValueLayout.JAVA_BYTE, position, out, 0, n);
        position += n;
        return out;
    }

    /** A null-terminated string at the position (the position moves past the terminator). */
    String nullTerminated() {
        MemorySegment data = file.data();
        long start = position;
        while (true) {
            if (position >= data.byteSize()) throw file.error("a name at offset " + start + " runs past the end of the file: truncated or corrupt");
            if (data.get(ValueLayout.JAVA_BYTE, position++) == 0) break;
        }
        byte[] name = new byte[(int) (position - 1 - start)];
        MemorySegment.copy(data, ValueLayout.JAVA_BYTE, start, name, 0, name.length);
        return new String(name, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Checks a 4-byte signature such as {@code TREE}. */
    void expect(String signature, String what) {
        long at = position;
        byte[] got = bytes(4);
        if (!new String(got, java.nio.charset.StandardCharsets.ISO_8859_1).equals(signature)) {
            throw file.error(what + " at offset " + at + " lacks its signature " + signature + " (corrupt file or a wrong address)");
        }
    }
}
