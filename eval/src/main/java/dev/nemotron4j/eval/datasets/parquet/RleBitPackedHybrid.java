package dev.nemotron4j.eval.datasets.parquet;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Decodes Parquet's RLE / bit-packing hybrid (parquet-format's encodings specification, RLE = 3), used for repetition and definition levels,
 * dictionary indices and RLE booleans: a run of runs, each headed by a ULEB-128 varint whose low bit says bit-packed
 * (header >> 1 groups of eight values, packed least significant bit first) or repeated (header >> 1 copies of one
 * value stored in ceil(bitWidth / 8) little-endian bytes). The caller strips any 4-byte length prefix.
 */
final class RleBitPackedHybrid {
    private RleBitPackedHybrid() {}

    /**
     * Decodes {@code count} values from {@code [pos, end)} of {@code in} into {@code out[offset…]}.
     *
     * @param what names the stream in messages ("definition levels", …)
     */
    static void decode(MemorySegment in, long pos, long end, int bitWidth, int[] out, int offset, int count, String what) {
        if (bitWidth < 0 || bitWidth > 32) throw new ParquetException(what + ": bit width " + bitWidth + " (at most 32)");
        end = Math.min(end, in.byteSize());
        int done = 0;
        while (done < count) {
            if (pos >= end) throw new ParquetException(what + ": the encoded data ends after " + done + " of " + count + " values");
            long header = 0;
            for (int shift = 0; ; shift += 7) {
                if (pos >= end || shift > 35) throw new ParquetException(what + ": corrupt run header");
                int b = in.get(ValueLayout.JAVA_BYTE, pos++) & 0xff;
                header |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) break;
            }
            if ((header & 1) == 0) {
                long run = header >>> 1;
                int bytes = (bitWidth + 7) / 8;
                if (end - pos < bytes) throw new ParquetException(what + ": a repeated run's value is cut off");
                long value = 0;
                for (int i = 0; i < bytes; i++) value |= (long) (in.get(ValueLayout.JAVA_BYTE, pos + i) & 0xff) << (8 * i);
                pos += bytes;
                if (run == 0) throw new ParquetException(what + ": a repeated run of length 0");
                int take = (int) Math.min(run, count - done);
                java.util.Arrays.fill(out, offset + done, offset + done + take, (int) value);
                done += take;
            } else {
                long values = (header >>> 1) * 8;
                long bytes = (header >>> 1) * bitWidth;
                if (values == 0) throw new ParquetException(what + ": a bit-packed run of length 0");
                if (end - pos < bytes) throw new ParquetException(what + ": a bit-packed run of " + bytes + " bytes with " + (end - pos) + " left");
                int take = (int) Math.min(values, count - done);
                long mask = bitWidth == 32 ? 0xffffffffL : (1L << bitWidth) - 1;
                for (int i = 0; i < take; i++) {
                    long bit = (long) i * bitWidth;
                    long at = pos + (bit >>> 3);
                    int shift = (int) (bit & 7);
                    // gather the bytes the value spans (at most 5 for 32 bits), least significant first
                    long window = 0;
                    int span = (shift + bitWidth + 7) >>> 3;
                    for (int k = 0; k < span; k++) window |= (long) (in.get(ValueLayout.JAVA_BYTE, at + k) & 0xff) << (8 * k);
                    out[offset + done + i] = (int) ((window >>> shift) & mask);
                }
                pos += bytes;
                done += take;
            }
        }
    }

    /** The bit width of levels whose maximum is {@code max}. */
    static int bitWidth(int max) {
        return 32 - Integer.numberOfLeadingZeros(max);
    }
}
