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
 * ggml Q2_K weights: super-blocks of 256 elements in 84 bytes — 16 scale bytes (one per sub-block of 16: scale in the
 * low nibble, min in the high one), 64 bytes of 2-bit codes, half d and dmin last. Element {@code 32g + l}
 * ({@code g = 4n + j}, {@code l < 32}) is bits {@code 2j, 2j+1} of code byte {@code 32n + l}, in sub-block
 * {@code 2g + l/16}; value {@code (d·sc)·q − (dmin·m)}: both products exact, one rounding.
 *
 * <p>{@link #dot} takes the bit pairs out of int lanes with a shift and a mask and makes each weight with one FMA
 * ({@code q·(d·sc) + (−dmin·m)}, the same single rounding), then multiplies them with x in {@link GroupedDot}'s
 * order, the row's factors unpacked first (see {@link KScales#unpackRow}).
 */
public record Q2KMatrix(MemorySegment data, int rows, int cols) implements SuperBlockMatrix {

    static final int BLOCK_BYTES = 84;
    private static final VectorSpecies<Float> F = CodeBytes.F;
    private static final int L = CodeBytes.L;
    /** Factors per super-block: {@code d·sc} of the 16 sub-blocks, then their {@code −dmin·m}. */
    private static final int FACTORS = 32;

    public Q2KMatrix {
        if (cols % BLOCK != 0) throw new IllegalArgumentException(cols + " columns are not whole Q2_K super-blocks");
    }

    @Override
    public DType type() {
        return DType.Q2_K;
    }

    @Override
    public float dot(int row, float[] x, int xOff) {
        if (VectorWidth.SCALAR) return dotScalar(row, x, xOff);
        long base = row * rowBytes();
        int blocks = cols / BLOCK;
        float[] f = RowScratch.factors(FACTORS * blocks);
        for (int blk = 0; blk < blocks; blk++) factors(data, base + (long) blk * BLOCK_BYTES, f, FACTORS * blk);
        return L == 16 ? dot16(data, base, blocks, f, x, xOff) : dotAnyWidth(data, base, blocks, f, x, xOff);
    }

    /** The 32 factors of the super-block at {@code o} into {@code f[fo ..]}: {@code d·sc[s]} at {@code fo+s}, {@code −dmin·m[s]} at {@code fo+16+s}. */
    private static void factors(MemorySegment data, long o, float[] f, int fo) {
        float d = GgmlBlocks.half(data, o + 80), negMin = -GgmlBlocks.half(data, o + 82);
        ByteVector bytes = ByteVector.fromMemorySegment(ByteVector.SPECIES_128, data, o, ByteOrder.LITTLE_ENDIAN);
        for (int part = 0; part < 16 / L; part++) {
            IntVector sc = (IntVector) bytes.convertShape(VectorOperators.ZERO_EXTEND_B2I, CodeBytes.I, part);
            CodeBytes.toFloat(sc.and(0x0F)).mul(d).intoArray(f, fo + part * L);
            CodeBytes.toFloat(sc.lanewise(VectorOperators.LSHR, 4)).mul(negMin).intoArray(f, fo + 16 + part * L);
        }
    }

    /**
     * {@link #dot} with 16-lane vectors: two groups per iteration of a flat loop, bit pairs {@code 2j} (an even group)
     * and {@code 2j+2} (odd) of the same 32 code bytes. Written out to stay above the JIT's inline size (see
     * {@link Q4KMatrix}).
     */
    private static float dot16(MemorySegment data, long base, int blocks, float[] f, float[] x, int xOff) {
        FloatVector even = FloatVector.zero(F), odd = even;
        for (int pair = 0; pair < 4 * blocks; pair++) {
            int blk = pair >> 2, g = 2 * (pair & 3), shift = 2 * (g & 3), s = FACTORS * blk + 2 * g, xe = xOff + 64 * pair;
            long q = base + (long) blk * BLOCK_BYTES + 16 + 32 * (g >> 2);
            IntVector a = CodeBytes.load(data, q), b = CodeBytes.load(data, q + 16);
            FloatVector p = CodeBytes.toFloat(a.lanewise(VectorOperators.LSHR, shift).and(3))
                    .fma(FloatVector.broadcast(F, f[s]), FloatVector.broadcast(F, f[s + 16])).mul(FloatVector.fromArray(F, x, xe));
            p = CodeBytes.toFloat(b.lanewise(VectorOperators.LSHR, shift).and(3))
                    .fma(FloatVector.broadcast(F, f[s + 1]), FloatVector.broadcast(F, f[s + 17])).fma(FloatVector.fromArray(F, x, xe + 16), p);
            even = even.add(p);
            p = CodeBytes.toFloat(a.lanewise(VectorOperators.LSHR, shift + 2).and(3))
                    .fma(FloatVector.broadcast(F, f[s + 2]), FloatVector.broadcast(F, f[s + 18])).mul(FloatVector.fromArray(F, x, xe + 32));
            p = CodeBytes.toFloat(b.lanewise(VectorOperators.LSHR, shift + 2).and(3))
                    .fma(FloatVector.broadcast(F, f[s + 3]), FloatVector.broadcast(F, f[s + 19])).fma(FloatVector.fromArray(F, x, xe + 48), p);
            odd = odd.add(p);
        }
        return LaneSum.sum(even.add(odd));
    }

    /** {@link #dot} at any width: as {@link #dot16}, a group being 32 / L vectors. */
    private static float dotAnyWidth(MemorySegment data, long base, int blocks, float[] f, float[] x, int xOff) {
        FloatVector acc = FloatVector.zero(F), other = acc;
        for (int g = 0; g < 8 * blocks; g++) {
            long o = base + (long) (g >> 3) * BLOCK_BYTES;
            int s = FACTORS * (g >> 3), xe = xOff + 32 * g;
            FloatVector p = weights(data, o, g & 7, 0, f, s).mul(FloatVector.fromArray(F, x, xe));
            for (int l = L; l < 32; l += L) p = weights(data, o, g & 7, l, f, s).fma(FloatVector.fromArray(F, x, xe + l), p);
            FloatVector next = acc.add(p);
            acc = other;
            other = next;
        }
        return LaneSum.sum(acc.add(other));
    }

    /** The weights of elements {@code l .. l+L} of group {@code g} of the super-block at {@code o}, its factors at {@code f[fo ..]}. */
    private static FloatVector weights(MemorySegment data, long o, int g, int l, float[] f, int fo) {
        int sub = 2 * g + l / 16;
        IntVector codes = CodeBytes.load(data, o + 16 + 32 * (g >> 2) + l).lanewise(VectorOperators.LSHR, 2 * (g & 3)).and(3);
        return CodeBytes.toFloat(codes).fma(FloatVector.broadcast(F, f[fo + sub]), FloatVector.broadcast(F, f[fo + 16 + sub]));
    }

    @Override
    public void decodeBlock(long o, float[] dst, int dstOff) {
        if (VectorWidth.SCALAR) {
            GgmlBlocks.dequantize(DType.Q2_K, data, o, dst, dstOff);
            return;
        }
        float[] f = RowScratch.factors(FACTORS);
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
        float[] f = RowScratch.factors(FACTORS * blocks);
        for (int blk = 0; blk < blocks; blk++) factors(data, base + (long) blk * BLOCK_BYTES, f, FACTORS * blk);
        for (int blk = 0; blk < blocks; blk++) decode(data, base + (long) blk * BLOCK_BYTES, f, FACTORS * blk, dst, dstOff + BLOCK * blk);
    }

    /** The weights of the super-block at {@code o} into {@code dst[dstOff ..]}, its factors at {@code f[fo ..]}. */
    private static void decode(MemorySegment data, long o, float[] f, int fo, float[] dst, int dstOff) {
        for (int g = 0; g < 8; g++) {
            for (int l = 0; l < 32; l += L) weights(data, o, g, l, f, fo).intoArray(dst, dstOff + 32 * g + l);
        }
    }

    @Override
    public WeightMatrix rowSlice(int firstRow, int count) {
        return new Q2KMatrix(data.asSlice(firstRow * rowBytes(), count * rowBytes()), count, cols);
    }
}
