package dev.nemotron4j.engine.kernels;

import dev.nemotron4j.engine.weights.DType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

/**
 * ggml Q5_K weights: super-blocks of 256 elements in 176 bytes — half d and dmin, 12 bytes of 6-bit scales and mins
 * for 8 sub-blocks of 32 ({@link KScales}), 32 bytes of fifth bits, 128 bytes of nibbles: element {@code 64c+l} is
 * the low nibble of code byte {@code 32c+l} plus 16 if bit {@code 2c} of fifth-bit byte {@code l} is set, element
 * {@code 64c+32+l} its high nibble plus bit {@code 2c+1}. Value {@code (d·sc)·q − (dmin·m)}: both products exact,
 * one rounding.
 *
 * <p>{@link #dot} works as {@link Q4KMatrix#dot}, the fifth bits shifted into place on the same int lanes.
 */
public record Q5KMatrix(MemorySegment data, int rows, int cols) implements SuperBlockMatrix {

    static final int BLOCK_BYTES = 176;
    private static final VectorSpecies<Float> F = CodeBytes.F;
    private static final int L = CodeBytes.L;

    public Q5KMatrix {
        if (cols % BLOCK != 0) throw new IllegalArgumentException(cols + " columns are not whole Q5_K super-blocks");
    }

    @Override
    public DType type() {
        return DType.Q5_K;
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
     * {@link #dot} with 16-lane vectors, shaped as {@link Q4KMatrix}'s (one sub-block per iteration of a flat loop,
     * written out to stay above the JIT's inline size); the fifth-bit bytes shifted left by 4 so that bit {@code j}
     * lands on 16 with one more shift.
     */
    private static float dot16(MemorySegment data, long base, int blocks, float[] f, float[] x, int xOff) {
        FloatVector acc = FloatVector.zero(F), other = acc;
        for (int g = 0; g < 8 * blocks; g++) {
            int blk = g >> 3, j = g & 7, shift = 4 * (j & 1), fo = 16 * blk + j, xe = xOff + 32 * g;
            long o = base + (long) blk * BLOCK_BYTES, q = o + 48 + 32 * (j >> 1);
            FloatVector scale = FloatVector.broadcast(F, f[fo]), negMin = FloatVector.broadcast(F, f[fo + 8]);
            IntVector codes = CodeBytes.load(data, q).lanewise(VectorOperators.LSHR, shift).and(0x0F)
                    .or(CodeBytes.load(data, o + 16).lanewise(VectorOperators.LSHL, 4).lanewise(VectorOperators.LSHR, j).and(16));
            FloatVector p = CodeBytes.toFloat(codes).fma(scale, negMin).mul(FloatVector.fromArray(F, x, xe));
            codes = CodeBytes.load(data, q + 16).lanewise(VectorOperators.LSHR, shift).and(0x0F)
                    .or(CodeBytes.load(data, o + 32).lanewise(VectorOperators.LSHL, 4).lanewise(VectorOperators.LSHR, j).and(16));
            p = CodeBytes.toFloat(codes).fma(scale, negMin).fma(FloatVector.fromArray(F, x, xe + 16), p);
            FloatVector next = acc.add(p);
            acc = other;
            other = next;
        }
        return LaneSum.sum(acc.add(other));
    }

    /** {@link #dot} at any width: as {@link #dot16}, a group being 32 / L vectors. */
    private static float dotAnyWidth(MemorySegment data, long base, int blocks, float[] f, float[] x, int xOff) {
        FloatVector acc = FloatVector.zero(F), other = acc;
        for (int g = 0; g < 8 * blocks; g++) {
            int blk = g >> 3, j = g & 7, fo = 16 * blk + j, xe = xOff + 32 * g;
            long o = base + (long) blk * BLOCK_BYTES, q = o + 48 + 32 * (j >> 1);
            FloatVector scale = FloatVector.broadcast(F, f[fo]), negMin = FloatVector.broadcast(F, f[fo + 8]);
            FloatVector p = weights(data, q, o + 16, j, scale, negMin).mul(FloatVector.fromArray(F, x, xe));
            for (int v = L; v < 32; v += L) p = weights(data, q + v, o + 16 + v, j, scale, negMin).fma(FloatVector.fromArray(F, x, xe + v), p);
            FloatVector next = acc.add(p);
            acc = other;
            other = next;
        }
        return LaneSum.sum(acc.add(other));
    }

    /**
     * The weights of L elements of sub-block {@code j}: nibbles ({@code j} odd: the high ones) at {@code q}, fifth bits
     * (bit {@code j}) at {@code h}.
     */
    private static FloatVector weights(MemorySegment data, long q, long h, int j, FloatVector scale, FloatVector negMin) {
        IntVector codes = CodeBytes.load(data, q).lanewise(VectorOperators.LSHR, 4 * (j & 1)).and(0x0F)
                .or(CodeBytes.load(data, h).lanewise(VectorOperators.LSHL, 4).lanewise(VectorOperators.LSHR, j).and(16));
        return CodeBytes.toFloat(codes).fma(scale, negMin);
    }

    @Override
    public void decodeBlock(long o, float[] dst, int dstOff) {
        if (VectorWidth.SCALAR) {
            GgmlBlocks.dequantize(DType.Q5_K, data, o, dst, dstOff);
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
            int c = j >> 1, e = dstOff + 32 * j;
            FloatVector scale = FloatVector.broadcast(F, f[fo + j]), min = FloatVector.broadcast(F, f[fo + 8 + j]);
            for (int v = 0; v < 32; v += L) weights(data, o + 48 + 32 * c + v, o + 16 + v, j, scale, min).intoArray(dst, e + v);
        }
    }

    @Override
    public WeightMatrix rowSlice(int firstRow, int count) {
        return new Q5KMatrix(data.asSlice(firstRow * rowBytes(), count * rowBytes()), count, cols);
    }
}
