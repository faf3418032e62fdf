package dev.nemotron4j.engine.kernels;

import dev.nemotron4j.engine.weights.DType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

/**
 * ggml IQ4_XS weights: super-blocks of 256 elements in 136 bytes — half d, a 16-bit word of high scale bits, 4 bytes
 * of low scale nibbles, then 16 code bytes per sub-block of 32 (low nibbles are its elements 0–15, high nibbles
 * 16–31) indexing the non-linear table {@link GgmlBlocks#IQ4_VALUES}. Value {@code (d·(ls−32))·code}: the first
 * product exact, the second rounded once.
 *
 * <p>{@link #dot} looks the codes up in registers (the 16 table values in one vector, or two or four on narrower
 * machines: {@code selectFrom}) and multiplies them by the sub-block's factor, then by x in {@link GroupedDot}'s
 * order (a sub-block is a group), the row's factors unpacked first (see {@link KScales#unpackRow}).
 */
public record Iq4XsMatrix(MemorySegment data, int rows, int cols) implements SuperBlockMatrix {

    static final int BLOCK_BYTES = 136;
    private static final VectorSpecies<Float> F = CodeBytes.F;
    private static final int L = CodeBytes.L;
    /** The code book, L entries per vector (one vector with 16 lanes, two with 8, four with 4). */
    private static final IntVector TABLE0 = table(0), TABLE1 = table(1), TABLE2 = table(2), TABLE3 = table(3);

    private static IntVector table(int part) {
        int[] values = new int[L];
        for (int i = 0; i < L; i++) values[i] = GgmlBlocks.IQ4_VALUES[(part * L + i) & 15];
        return IntVector.fromArray(CodeBytes.I, values, 0);
    }

    public Iq4XsMatrix {
        if (cols % BLOCK != 0) throw new IllegalArgumentException(cols + " columns are not whole IQ4_XS super-blocks");
    }

    @Override
    public DType type() {
        return DType.IQ4_XS;
    }

    @Override
    public float dot(int row, float[] x, int xOff) {
        if (VectorWidth.SCALAR) return dotScalar(row, x, xOff);
        long base = row * rowBytes();
        int blocks = cols / BLOCK;
        float[] f = RowScratch.factors(8 * blocks);
        for (int blk = 0; blk < blocks; blk++) factors(data, base + (long) blk * BLOCK_BYTES, f, 8 * blk);
        return L == 16 ? dot16(data, base, blocks, f, x, xOff) : dotAnyWidth(data, base, blocks, f, x, xOff);
    }

    /** The 8 factors {@code d·(ls−32)} of the super-block at {@code o} into {@code f[fo ..]} (scalar: 8 per 256 weights). */
    private static void factors(MemorySegment data, long o, float[] f, int fo) {
        long header = data.get(GgmlBlocks.LE_LONG, o);
        float d = Float.float16ToFloat((short) header);
        int high = (int) (header >>> 16) & 0xFFFF, low = (int) (header >>> 32);
        for (int ib = 0; ib < 8; ib++) f[fo + ib] = d * ((((low >>> (4 * ib)) & 0xF) | (((high >>> (2 * ib)) & 3) << 4)) - 32);
    }

    /** The code book's values at the (4-bit) indexes {@code codes}. */
    private static IntVector lookUp(IntVector codes) {
        if (L == 16) return codes.selectFrom(TABLE0);
        if (L == 8) return codes.selectFrom(TABLE0, TABLE1);
        VectorMask<Integer> upper = codes.compare(VectorOperators.GE, 8);
        return codes.selectFrom(TABLE0, TABLE1).blend(codes.selectFrom(TABLE2, TABLE3), upper);
    }

    /**
     * {@link #dot} with 16-lane vectors: two sub-blocks (an even and an odd group, one load of 16 code bytes each) per
     * iteration of a flat loop. (Unlike the K-quants' loops it may be inlined into {@link #dot}: its factor pass is
     * scalar code, which costs the JIT's node budget little.)
     */
    private static float dot16(MemorySegment data, long base, int blocks, float[] f, float[] x, int xOff) {
        FloatVector even = FloatVector.zero(F), odd = even;
        for (int pair = 0; pair < 4 * blocks; pair++) {
            int g = 2 * pair, xe = xOff + 64 * pair;
            long q = base + (long) (pair >> 2) * BLOCK_BYTES + 8 + 32 * (pair & 3);
            IntVector a = CodeBytes.load(data, q), b = CodeBytes.load(data, q + 16);
            FloatVector factor = FloatVector.broadcast(F, f[g]);
            FloatVector p = CodeBytes.toFloat(a.and(0x0F).selectFrom(TABLE0)).mul(factor).mul(FloatVector.fromArray(F, x, xe));
            p = CodeBytes.toFloat(a.lanewise(VectorOperators.LSHR, 4).selectFrom(TABLE0)).mul(factor).fma(FloatVector.fromArray(F, x, xe + 16), p);
            even = even.add(p);
            factor = FloatVector.broadcast(F, f[g + 1]);
            p = CodeBytes.toFloat(b.and(0x0F).selectFrom(TABLE0)).mul(factor).mul(FloatVector.fromArray(F, x, xe + 32));
            p = CodeBytes.toFloat(b.lanewise(VectorOperators.LSHR, 4).selectFrom(TABLE0)).mul(factor).fma(FloatVector.fromArray(F, x, xe + 48), p);
            odd = odd.add(p);
        }
        return LaneSum.sum(even.add(odd));
    }

    /** {@link #dot} at any width: as {@link #dot16}, a group being 32 / L vectors. */
    private static float dotAnyWidth(MemorySegment data, long base, int blocks, float[] f, float[] x, int xOff) {
        FloatVector acc = FloatVector.zero(F), other = acc;
        for (int g = 0; g < 8 * blocks; g++) {
            long o = base + (long) (g >> 3) * BLOCK_BYTES;
            int xe = xOff + 32 * g;
            FloatVector p = weights(data, o, g & 7, 0, f[g]).mul(FloatVector.fromArray(F, x, xe));
            for (int l = L; l < 32; l += L) p = weights(data, o, g & 7, l, f[g]).fma(FloatVector.fromArray(F, x, xe + l), p);
            FloatVector next = acc.add(p);
            acc = other;
            other = next;
        }
        return LaneSum.sum(acc.add(other));
    }

    /** The weights of elements {@code l .. l+L} of sub-block {@code ib} of the super-block at {@code o}. */
    private static FloatVector weights(MemorySegment data, long o, int ib, int l, float factor) {
        IntVector codes = CodeBytes.load(data, o + 8 + 16 * ib + (l & 15)).lanewise(VectorOperators.LSHR, 4 * (l >> 4)).and(0x0F);
        return CodeBytes.toFloat(lookUp(codes)).mul(factor);
    }

    @Override
    public void decodeBlock(long o, float[] dst, int dstOff) {
        if (VectorWidth.SCALAR) {
            GgmlBlocks.dequantize(DType.IQ4_XS, data, o, dst, dstOff);
            return;
        }
        float[] f = RowScratch.factors(8);
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
        float[] f = RowScratch.factors(8 * blocks);
        for (int blk = 0; blk < blocks; blk++) factors(data, base + (long) blk * BLOCK_BYTES, f, 8 * blk);
        for (int blk = 0; blk < blocks; blk++) decode(data, base + (long) blk * BLOCK_BYTES, f, 8 * blk, dst, dstOff + BLOCK * blk);
    }

    /** The weights of the super-block at {@code o} into {@code dst[dstOff ..]}, its factors at {@code f[fo ..]}. */
    private static void decode(MemorySegment data, long o, float[] f, int fo, float[] dst, int dstOff) {
        for (int ib = 0; ib < 8; ib++) {
            for (int l = 0; l < 32; l += L) weights(data, o, ib, l, f[fo + ib]).intoArray(dst, dstOff + 32 * ib + l);
        }
    }

    @Override
    public WeightMatrix rowSlice(int firstRow, int count) {
        return new Iq4XsMatrix(data.asSlice(firstRow * rowBytes(), count * rowBytes()), count, cols);
    }
}
