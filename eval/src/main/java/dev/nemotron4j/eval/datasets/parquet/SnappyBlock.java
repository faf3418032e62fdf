package dev.nemotron4j.eval.datasets.parquet;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Decompresses one raw Snappy block (no framing), as Parquet's SNAPPY codec stores each page: a varint uncompressed
 * length, then elements whose tag byte's low two bits say literal (00) or copy with a 1-, 2- or 4-byte offset (01, 10,
 * 11). Written after google/snappy's format_description.txt. Every length and offset is checked, so a corrupt block
 * is an error, never an out-of-bounds read or a silently short page.
 */
final class SnappyBlock {
    private SnappyBlock() {}

    /** The block's uncompressed length (its varint preamble). */
    static long uncompressedLength(MemorySegment in) {
        long len = 0;
        for (int i = 0, shift = 0; ; i++, shift += 7) {
            if (i >= in.byteSize() || i >= 5) throw new ParquetException("corrupt Snappy block: bad length preamble");
            int b = u8(in, i);
            len |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) return len;
        }
    }

    /**
     * @param expectedLength the length the page header promises; a block of another length is corrupt
     */
    static byte[] decompress(MemorySegment in, int expectedLength) {
        long n = in.byteSize();
        long pos = 0;
        while (u8(in, pos) >= 0x80) pos++;   // skip the preamble (validated here)
        pos++;
        long length = uncompressedLength(in);
        if (length != expectedLength) {
            throw new ParquetException("corrupt Snappy block: it holds " + length + " bytes, the page header says " + expectedLength);
        }
        byte[] out = new byte[expectedLength];
        int op = 0;
        while (pos < n) {
            int tag = u8(in, pos++);
            if ((tag & 3) == 0) {
                long literal = tag >>> 2;
                if (literal >= 60) {
                    int bytes = (int) literal - 59;
                    if (pos + bytes > n) throw new ParquetException("corrupt Snappy block: literal length cut off");
                    literal = 0;
                    for (int i = 0; i < bytes; i++) literal |= (long) u8(in, pos + i) << (8 * i);
                    pos += bytes;
                }
                literal += 1;
                if (literal > n - pos || literal > out.length - op) {
                    throw new ParquetException("corrupt Snappy block: literal of " + literal + " bytes overruns the block");
                }
                MemorySegment.copy(in, ValueLayout.JAVA_BYTE, pos, out, op, (int) literal);
                pos += literal;
                op += (int) literal;
                continue;
            }
            int length1;
            long offset;
            switch (tag & 3) {
                case 1 -> {
                    if (pos + 1 > n) throw new ParquetException("corrupt Snappy block: copy cut off");
                    length1 = 4 + ((tag >>> 2) & 7);
                    offset = ((long) (tag >>> 5) << 8) | u8(in, pos);
                    pos += 1;
                }
                case 2 -> {
                    if (pos + 2 > n) throw new ParquetException("corrupt Snappy block: copy cut off");
                    length1 = 1 + (tag >>> 2);
                    offset = u8(in, pos) | (long) u8(in, pos + 1) << 8;
                    pos += 2;
                }
                default -> {
                    if (pos + 4 > n) throw new ParquetException("corrupt Snappy block: copy cut off");
                    length1 = 1 + (tag >>> 2);
                    offset = u8(in, pos) | (long) u8(in, pos + 1) << 8 | (long) u8(in, pos + 2) << 16 | (long) u8(in, pos + 3) << 24;
                    pos += 4;
                }
            }
            if (offset == 0 || offset > op || length1 > out.length - op) {
                throw new ParquetException("corrupt Snappy block: copy of " + length1 + " bytes from offset " + offset + " at output byte " + op);
            }
            // byte by byte: a copy may overlap its own output (offset < length repeats a pattern)
            for (int i = 0, from = op - (int) offset; i < length1; i++) out[op + i] = out[from + i];
            op += length1;
        }
        if (op != out.length) throw new ParquetException("corrupt Snappy block: it ends after " + op + " of " + out.length + " bytes");
        return out;
    }

    private static int u8(MemorySegment in, long at) {
        if (at >= in.byteSize()) throw new ParquetException("corrupt Snappy block: it ends early");
        return in.get(ValueLayout.JAVA_BYTE, at) & 0xff;
    }
}
