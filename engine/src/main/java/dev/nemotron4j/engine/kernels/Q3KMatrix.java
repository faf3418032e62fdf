package dev.nemotron4j.engine.kernels;

import dev.nemotron4j.engine.weights.DType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

/**
 * ggml Q3_K weights: super-blocks of 256 elements in 110 bytes — 32 bytes of high bits, 64 bytes of 2-bit codes, 16
 * six-bit scales packed in 12 bytes ({@link GgmlBlocks#scaleQ3K}), half d last. Element {@code 32g + l}
 * ({@code g = 4n + j}, {@code l < 32}) is bits {@code 2j, 2j+1} of code byte {@code 32n + l}, minus 4 unless bit
 * {@code g} of high-bit byte {@code l} is set, in sub-block {@code 2g + l/16}; value {@code (d·(sc−32))·q}, exact.
 *
 * <p>{@link #dot} assembles the 3-bit codes on int lanes ({@code (low | high·4) − 4}) and multiplies them by the
 * sub-block's factor (exact), then multiplies them with x in {@link GroupedDot}'s order, the row's factors unpacked first
 * (see {@link KScales#unpackRow}).
 */
public record Q3KMatrix(MemorySegment data, int rows, int cols) implements SuperBlockMatrix {

    static final int BLOCK_BYTES = 110;
    private static final VectorSpecies<Float> F = CodeBytes.F;
    private static final int L = CodeBytes.L;
    private static final IntVector FOUR = IntVector.broadcast(CodeBytes.I, 4);

    public Q3KMatrix {
        if (cols % BLOCK != 0) throw new IllegalArgumentException(cols + " columns are not whole Q3_K super-blocks");
    }

    @Override
    public DType type() {
        return DType.Q3_K;
    }

    @Override
    public float dot(int row, float[] x, int xOff) {
        if (VectorWidth.SCALAR) return dotScalar(row, x, xOff);
        long base = row * rowBytes();
        int blocks = cols / BLOCK;
        float[] f = RowScratch.factors(16 * blocks);
        for (int blk = 0; blk < blocks; blk++) factors(data, base + (long) blk * BLOCK_BYTES, f, 16 * blk);
        return L == 16 ? dot16(data, base, blocks, f, x, xOff) : dotAnyWidth(data, base, blocks, f, x, xOff);
    }

    /**
     * The 16 factors {@code d·(sc−32)} of the super-block at {@code o} into {@code f[fo ..]}. The bit work on 64-bit
     * words: scale s takes the low or high nibble of packed byte {@code s mod 8} and bit pair {@code 2·(s/4)} of byte
     * {@code 8 + s mod 4}.
     */
    private static void factors(MemorySegment data, long o, float[] f, int fo) {
        long low = data.get(GgmlBlocks.LE_LONG, o + 96);
        long high = data.get(GgmlBlocks.LE_INT, o + 104) & 0xFFFFFFFFL;
        long pairs0 = (high & 0x03030303L) | (((high >>> 2) & 0x03030303L) << 32);        // scales 0–7
        long pairs8 = ((high >>> 4) & 0x03030303L) | (((high >>> 6) & 0x03030303L) << 32); // scales 8–15
        ByteVector scales = LongVector.zero(LongVector.SPECIES_128)
                .withLane(0, (low & 0x0F0F0F0F0F0F0F0FL) | (pairs0 << 4))
                .withLane(1, ((low >>> 4) & 0x0F0F0F0F0F0F0F0FL) | (pairs8 << 4))
                .reinterpretAsBytes();
        float d = GgmlBlocks.half(data, o + 108);
        for (int part = 0; part < 16 / L; part++) {
            IntVector sc = (IntVector) scales.convertShape(VectorOperators.ZERO_EXTEND_B2I, CodeBytes.I, part);
            CodeBytes.toFloat(sc.sub(32)).mul(d).intoArray(f, fo + part * L);
        }
    }

    /**
     * {@link #dot} with 16-lane vectors: one group (two sub-blocks, two vectors) per iteration of a flat loop, the even
     * and odd groups' accumulators swapping roles. The weights take one FMA: {@code (low | high·4)·f − 4f} is
     * {@code (d·(sc−32))·q} exactly (every term is exact). Written out to stay above the JIT's inline size (see
     * {@link Q4KMatrix}); two groups per iteration overran the JIT's node budget.
     */
    private static float dot16(MemorySegment data, long base, int blocks, float[] f, float[] x, int xOff) {
        FloatVector acc = FloatVector.zero(F), other = acc;
        for (int g = 0; g < 8 * blocks; g++) {
            int blk = g >> 3, bit = g & 7, shift = 2 * (g & 3), s = 16 * blk + 2 * bit, xe = xOff + 32 * g;
            long o = base + (long) blk * BLOCK_BYTES, q = o + 32 + 32 * (bit >> 2);
            float f0 = f[s], f1 = f[s + 1];
            IntVector low = CodeBytes.load(data, q).lanewise(VectorOperators.LSHR, shift).and(3);
            IntVector high = CodeBytes.load(data, o).lanewise(VectorOperators.LSHL, 2).lanewise(VectorOperators.LSHR, bit).and(4);
            FloatVector p = CodeBytes.toFloat(low.or(high)).fma(FloatVector.broadcast(F, f0), FloatVector.broadcast(F, -4 * f0))
                    .mul(FloatVector.fromArray(F, x, xe));
            low = CodeBytes.load(data, q + 16).lanewise(VectorOperators.LSHR, shift).and(3);
            high = CodeBytes.load(data, o + 16).lanewise(VectorOperators.LSHL, 2).lanewise(VectorOperators.LSHR, bit).and(4);
            p = CodeBytes.toFloat(low.or(high)).fma(FloatVector.broadcast(F, f1), FloatVector.broadcast(F, -4 * f1))
                    .fma(FloatVector.fromArray(F, x, xe + 16), p);
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
            int s = 16 * (g >> 3) + 2 * (g & 7), xe = xOff + 32 * g;
            FloatVector p = weights(data, o, g & 7, 0, f[s]).mul(FloatVector.fromArray(F, x, xe));
            for (int l = L; l < 32; l += L) p = weights(data, o, g & 7, l, f[s + l / 16]).fma(FloatVector.fromArray(F, x, xe + l), p);
            FloatVector next = acc.add(p);
            acc = other;
            other = next;
        }
        return LaneSum.sum(acc.add(other));
    }

    /** The weights of elements {@code l .. l+L} of group {@code g} of the super-block at {@code o}. */
    private static FloatVector weights(MemorySegment data, long o, int g, int l, float factor) {
        IntVector codes = CodeBytes.load(data, o + 32 + 32 * (g >> 2) + l).lanewise(VectorOperators.LSHR, 2 * (g & 3)).and(3)
                .or(CodeBytes.load(data, o + l).lanewise(VectorOperators.LSHL, 2).lanewise(VectorOperators.LSHR, g).and(4)).sub(FOUR);
        return CodeBytes.toFloat(codes).mul(factor);
    }

    @Override
    public void decodeBlock(long o, float[] dst, int dstOff) {
        if (VectorWidth.SCALAR) {
            GgmlBlocks.dequantize(DType.Q3_K, data, o, dst, dstOff);
            return;
        }
        float[] f = RowScratch.factors(16);
        factors(data, o, f, 0);
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
        for (int blk = 0; blk < blocks; blk++) factors(data, base + (long) blk * BLOCK_BYTES, f, 16 * blk);
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
        return new Q3KMatrix(data.asSlice(firstRow * rowBytes(), count * rowBytes()), count, cols);
    }
}
