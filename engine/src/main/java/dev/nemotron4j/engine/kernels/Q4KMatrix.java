package dev.nemotron4j.engine.kernels;

import dev.nemotron4j.engine.weights.DType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

/**
 * ggml Q4_K weights: super-blocks of 256 elements in 144 bytes — half d and dmin, 12 bytes of 6-bit scales and mins
 * for 8 sub-blocks of 32 ({@link KScales}), 128 bytes of nibbles: bytes {@code 32c .. 32c+32} hold elements
 * {@code 64c ..} in their low nibbles (sub-block 2c) and {@code 64c+32 ..} in their high nibbles (sub-block 2c+1).
 * Value {@code (d·sc)·q − (dmin·m)}: both products exact, one rounding.
 *
 * <p>{@link #dot} takes the nibbles out of int lanes with a mask or a shift and makes each weight with one FMA
 * ({@code q·(d·sc) + (−dmin·m)}, the same single rounding), then multiplies them with x in {@link GroupedDot}'s
 * order (a sub-block is a group).
 */
public record Q4KMatrix(MemorySegment data, int rows, int cols) implements SuperBlockMatrix {

    static final int BLOCK_BYTES = 144;
    private static final VectorSpecies<Float> F = CodeBytes.F;
    private static final int L = CodeBytes.L;

    public Q4KMatrix {
        if (cols % BLOCK != 0) throw new IllegalArgumentException(cols + " columns are not whole Q4_K super-blocks");
    }

    @Override
    public DType type() {
        return DType.Q4_K;
    }

    @Override
    public float dot(int row, float[] x, int xOff) {
        if (VectorWidth.SCALAR) return dotScalar(row, x, xOff);
        long base = row * rowBytes();
        int blocks = cols / BLOCK;
        float[] f = RowScratch.factors(16 * blocks);
        KScales.unpackRow(data, base, blocks, BLOCK_BYTES, f);
        return L == 16 ? dot16(data, base, blocks, f, x, xOff) : dotAnyWidth(data, base, blocks, f, x, xOff);
    }

    /**
     * {@link #dot} with 16-lane vectors, the row's factors unpacked in {@code f} ({@link KScales#unpackRow}): one chunk
     * of 32 code bytes per iteration of a flat loop, its two loads giving sub-block 2c (low nibbles, an even group)
     * and 2c+1 (high nibbles, odd). Loops per super-block cost more in bounds-check setup than their work. Written out
     * in full so that the method stays above the JIT's inline size (325 bytecodes): compiled into {@link #dot}
     * together with the factor pass, the two overran the JIT's node budget and every vector was boxed (5–10× slower).
     * The same holds for the other super-block kernels.
     */
    private static float dot16(MemorySegment data, long base, int blocks, float[] f, float[] x, int xOff) {
        FloatVector even = FloatVector.zero(F), odd = even;
        for (int ch = 0; ch < 4 * blocks; ch++) {
            int c = ch & 3, blk = ch >> 2, fo = 16 * blk + 2 * c, xe = xOff + 64 * ch;
            long q = base + (long) blk * BLOCK_BYTES + 16 + 32 * c;
            IntVector a = CodeBytes.load(data, q), b = CodeBytes.load(data, q + 16);
            FloatVector scale = FloatVector.broadcast(F, f[fo]), negMin = FloatVector.broadcast(F, f[fo + 8]);
            FloatVector p = CodeBytes.toFloat(a.and(0x0F)).fma(scale, negMin).mul(FloatVector.fromArray(F, x, xe));
            p = CodeBytes.toFloat(b.and(0x0F)).fma(scale, negMin).fma(FloatVector.fromArray(F, x, xe + 16), p);
            even = even.add(p);
            scale = FloatVector.broadcast(F, f[fo + 1]);
            negMin = FloatVector.broadcast(F, f[fo + 9]);
            p = CodeBytes.toFloat(a.lanewise(VectorOperators.LSHR, 4)).fma(scale, negMin).mul(FloatVector.fromArray(F, x, xe + 32));
            p = CodeBytes.toFloat(b.lanewise(VectorOperators.LSHR, 4)).fma(scale, negMin).fma(FloatVector.fromArray(F, x, xe + 48), p);
            odd = odd.add(p);
        }
        return LaneSum.sum(even.add(odd));
    }

    /** {@link #dot} at any width: as {@link #dot16}, a group being 32 / L vectors. */
    private static float dotAnyWidth(MemorySegment data, long base, int blocks, float[] f, float[] x, int xOff) {
        FloatVector acc = FloatVector.zero(F), other = acc;
        for (int g = 0; g < 8 * blocks; g++) {
            int blk = g >> 3, j = g & 7, shift = 4 * (j & 1), fo = 16 * blk + j, xe = xOff + 32 * g;
            long q = base + (long) blk * BLOCK_BYTES + 16 + 32 * (j >> 1);
            FloatVector scale = FloatVector.broadcast(F, f[fo]), negMin = FloatVector.broadcast(F, f[fo + 8]);
            FloatVector p = weights(nibbles(CodeBytes.load(data, q), shift), scale, negMin).mul(FloatVector.fromArray(F, x, xe));
            for (int v = L; v < 32; v += L) {
                p = weights(nibbles(CodeBytes.load(data, q + v), shift), scale, negMin).fma(FloatVector.fromArray(F, x, xe + v), p);
            }
            FloatVector next = acc.add(p);
            acc = other;
            other = next;
        }
        return LaneSum.sum(acc.add(other));
    }

    @Override
    public void decodeBlock(long o, float[] dst, int dstOff) {
        if (VectorWidth.SCALAR) {
            GgmlBlocks.dequantize(DType.Q4_K, data, o, dst, dstOff);
            return;
        }
        float[] f = RowScratch.factors(16);
        KScales.unpack(data, o, f, 0);
        decode(data, o, f, 0, dst, dstOff);
    }

    /** Unpacks the row's factors first, then decodes its blocks (see {@link KScales#unpackRow}). */
    @Override
    public void decodeRow(int row, float[] dst, int dstOff) {
        if (VectorWidth.SCALAR) {
            SuperBlockMatrix.super.decodeRow(row, dst, dstOff);
            return;
        }
        long base = row * rowBytes();
        int blocks = cols / BLOCK;
        float[] f = RowScratch.factors(16 * blocks);
        KScales.unpackRow(data, base, blocks, BLOCK_BYTES, f);
        for (int blk = 0; blk < blocks; blk++) decode(data, base + (long) blk * BLOCK_BYTES, f, 16 * blk, dst, dstOff + BLOCK * blk);
    }

    /** The weights of the super-block at {@code o} into {@code dst[dstOff ..]}, its factors at {@code f[fo ..]}. */
    private static void decode(MemorySegment data, long o, float[] f, int fo, float[] dst, int dstOff) {
        for (int j = 0; j < 8; j++) {
            long q = o + 16 + 32 * (j >> 1);
            int shift = 4 * (j & 1), e = dstOff + 32 * j;
            FloatVector scale = FloatVector.broadcast(F, f[fo + j]), min = FloatVector.broadcast(F, f[fo + 8 + j]);
            for (int v = 0; v < 32; v += L) weights(nibbles(CodeBytes.load(data, q + v), shift), scale, min).intoArray(dst, e + v);
        }
    }

    /** The nibbles at bit {@code shift} (0 or 4) of each code byte. */
    private static IntVector nibbles(IntVector codes, int shift) {
        return codes.lanewise(VectorOperators.LSHR, shift).and(0x0F);
    }

    /** {@code q·(d·sc) + (−dmin·m)} rounded once: the weights of the codes {@code q}. */
    private static FloatVector weights(IntVector q, FloatVector scale, FloatVector negMin) {
        return CodeBytes.toFloat(q).fma(scale, negMin);
    }

    @Override
    public WeightMatrix rowSlice(int firstRow, int count) {
        return new Q4KMatrix(data.asSlice(firstRow * rowBytes(), count * rowBytes()), count, cols);
    }
}
