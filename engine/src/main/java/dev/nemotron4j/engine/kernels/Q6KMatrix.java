package dev.nemotron4j.engine.kernels;

import dev.nemotron4j.engine.weights.DType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * ggml Q6_K weights: super-blocks of 256 elements in 210 bytes — 128 bytes of low nibbles, 64 bytes of 2-bit high
 * parts, 16 int8 scales (one per sub-block of 16), half d last. Element {@code 128h + 32k + l} ({@code h < 2},
 * {@code k < 4}, {@code l < 32}) takes nibble {@code k/2} of byte {@code 64h + 32(k mod 2) + l} and bits
 * {@code 2k, 2k+1} of high byte {@code 32h + l}; value {@code (d·sc)·(q−32)} with scale {@code 8h + 2k + l/16}
 * ({@code d·sc} exact, one rounding).
 *
 * <p>{@link #dot} assembles the 6-bit codes on int lanes with shifts and masks, subtracts 32, and multiplies the
 * float codes by {@code d·sc} (the same single rounding), then multiplies them with x in {@link GroupedDot}'s order
 * (group {@code 4h + k} is elements {@code 128h + 32k ..}).
 */
public record Q6KMatrix(MemorySegment data, int rows, int cols) implements SuperBlockMatrix {

    static final int BLOCK_BYTES = 210;
    private static final VectorSpecies<Float> F = CodeBytes.F;
    private static final int L = CodeBytes.L;
    private static final IntVector OFFSET = IntVector.broadcast(CodeBytes.I, 32);

    public Q6KMatrix {
        if (cols % BLOCK != 0) throw new IllegalArgumentException(cols + " columns are not whole Q6_K super-blocks");
    }

    @Override
    public DType type() {
        return DType.Q6_K;
    }

    @Override
    public float dot(int row, float[] x, int xOff) {
        if (VectorWidth.SCALAR) return dotScalar(row, x, xOff);
        long base = row * rowBytes();
        int blocks = cols / BLOCK;
        float[] f = RowScratch.factors(16 * blocks);
        for (int blk = 0; blk < blocks; blk++) scales(data, base + (long) blk * BLOCK_BYTES, f, 16 * blk);
        return L == 16 ? dot16(data, base, blocks, f, x, xOff) : dotAnyWidth(data, base, blocks, f, x, xOff);
    }

    /**
     * The 16 factors {@code d·sc} of the super-block at {@code o} into {@code f[fOff ..]}. Kernels unpack a row's
     * factors before its codes ({@link KScales#unpackRow} says why).
     */
    private static void scales(MemorySegment data, long o, float[] f, int fOff) {
        float d = GgmlBlocks.half(data, o + 208);
        ByteVector sc = ByteVector.fromMemorySegment(ByteVector.SPECIES_128, data, o + 192, ByteOrder.LITTLE_ENDIAN);
        for (int part = 0; part < 16 / L; part++) {
            CodeBytes.toFloat((IntVector) sc.convertShape(VectorOperators.B2I, CodeBytes.I, part)).mul(d).intoArray(f, fOff + part * L);
        }
    }

    /**
     * {@link #dot} with 16-lane vectors, the factors in {@code f}: one group (two vectors) per iteration of a flat
     * loop, the even and odd groups' accumulators swapping roles every iteration; written out in full to stay above
     * the JIT's inline size (see {@link Q4KMatrix}).
     */
    private static float dot16(MemorySegment data, long base, int blocks, float[] f, float[] x, int xOff) {
        FloatVector acc = FloatVector.zero(F), other = acc;
        for (int g = 0; g < 8 * blocks; g++) {
            int j = g & 7, h = j >> 2, k = j & 3, xe = xOff + 32 * g;
            long o = base + (long) (g >> 3) * BLOCK_BYTES, ql = o + 64 * h + 32 * (k & 1), qh = o + 128 + 32 * h;
            int shift = 4 * (k >> 1), highShift = 2 * k;
            IntVector q = CodeBytes.load(data, ql).lanewise(VectorOperators.LSHR, shift).and(0x0F)
                    .or(CodeBytes.load(data, qh).lanewise(VectorOperators.LSHL, 4).lanewise(VectorOperators.LSHR, highShift).and(0x30));
            FloatVector p = CodeBytes.toFloat(q.sub(OFFSET)).mul(f[2 * g]).mul(FloatVector.fromArray(F, x, xe));
            q = CodeBytes.load(data, ql + 16).lanewise(VectorOperators.LSHR, shift).and(0x0F)
                    .or(CodeBytes.load(data, qh + 16).lanewise(VectorOperators.LSHL, 4).lanewise(VectorOperators.LSHR, highShift).and(0x30));
            p = CodeBytes.toFloat(q.sub(OFFSET)).mul(f[2 * g + 1]).fma(FloatVector.fromArray(F, x, xe + 16), p);
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
            long o = base + (long) (g >> 3) * BLOCK_BYTES;
            int j = g & 7, xe = xOff + 32 * g;
            FloatVector p = weights(data, o, j, 0, f[2 * g]).mul(FloatVector.fromArray(F, x, xe));
            for (int l = L; l < 32; l += L) p = weights(data, o, j, l, f[2 * g + l / 16]).fma(FloatVector.fromArray(F, x, xe + l), p);
            FloatVector next = acc.add(p);
            acc = other;
            other = next;
        }
        return LaneSum.sum(acc.add(other));
    }

    /** The weights of elements {@code l .. l+L} of group {@code g = 4h + k} of the super-block at {@code o}. */
    private static FloatVector weights(MemorySegment data, long o, int g, int l, float factor) {
        int h = g >> 2, k = g & 3;
        IntVector q = CodeBytes.load(data, o + 64 * h + 32 * (k & 1) + l).lanewise(VectorOperators.LSHR, 4 * (k >> 1)).and(0x0F)
                .or(CodeBytes.load(data, o + 128 + 32 * h + l).lanewise(VectorOperators.LSHL, 4).lanewise(VectorOperators.LSHR, 2 * k).and(0x30));
        return CodeBytes.toFloat(q.sub(OFFSET)).mul(factor);
    }

    @Override
    public void decodeBlock(long o, float[] dst, int dstOff) {
        if (VectorWidth.SCALAR) {
            GgmlBlocks.dequantize(DType.Q6_K, data, o, dst, dstOff);
            return;
        }
        float[] f = RowScratch.factors(16);
        scales(data, o, f, 0);
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
        for (int blk = 0; blk < blocks; blk++) scales(data, base + (long) blk * BLOCK_BYTES, f, 16 * blk);
        for (int blk = 0; blk < blocks; blk++) decode(data, base + (long) blk * BLOCK_BYTES, f, 16 * blk, dst, dstOff + BLOCK * blk);
    }

    /** The weights of the super-block at {@code o} into {@code dst[dstOff ..]}, its factors at {@code f[fo ..]}. */
    private static void decode(MemorySegment data, long o, float[] f, int fo, float[] dst, int dstOff) {
        for (int g = 0; g < 8; g++) {
            for (int l = 0; l < 32; l += L) weights(data, o, g, l, f[fo + 2 * g + l / 16]).intoArray(dst, dstOff + 32 * g + l);
        }
    }

    @Override
    public WeightMatrix rowSlice(int firstRow, int count) {
        return new Q6KMatrix(data.asSlice(firstRow * rowBytes(), count * rowBytes()), count, cols);
    }
}
