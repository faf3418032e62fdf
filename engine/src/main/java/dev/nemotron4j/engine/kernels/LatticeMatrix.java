package dev.nemotron4j.engine.kernels;

import dev.nemotron4j.engine.weights.DType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

import static dev.nemotron4j.engine.kernels.GgmlBlocks.LE_INT;
import static dev.nemotron4j.engine.kernels.GgmlBlocks.LE_LONG;
import static dev.nemotron4j.engine.kernels.GgmlBlocks.LE_SHORT;
import static dev.nemotron4j.engine.kernels.GgmlBlocks.half;
import static dev.nemotron4j.engine.kernels.GgmlBlocks.u8;
import static dev.nemotron4j.engine.kernels.LatticeGrids.IQ1S_GRID;
import static dev.nemotron4j.engine.kernels.LatticeGrids.IQ2S_GRID;
import static dev.nemotron4j.engine.kernels.LatticeGrids.IQ2XS_GRID;
import static dev.nemotron4j.engine.kernels.LatticeGrids.IQ2XXS_GRID;
import static dev.nemotron4j.engine.kernels.LatticeGrids.IQ3S_GRID;
import static dev.nemotron4j.engine.kernels.LatticeGrids.IQ3XXS_GRID;
import static dev.nemotron4j.engine.kernels.LatticeGrids.KSIGNS_IQ2XS;

/**
 * Weights in one of ggml's lattice i-quants (IQ2_XXS, IQ2_XS, IQ2_S, IQ3_XXS, IQ3_S, IQ1_S, IQ1_M): super-blocks of
 * 256 whose groups of 8 or 4 elements are points of a published code book ({@link LatticeBlocks} has the layouts).
 *
 * <p>A super-block is decoded in two passes over small per-thread buffers that stay in L1: scalar code picks its
 * code-book entries (copied as bytes, 8 or 4 at a time), one scale per 16 elements and a bit per element (the sign
 * of IQ2/IQ3, the shift direction of IQ1); then vectors widen the bytes and apply scale and bit — no branch per
 * element. The values are ggml's, in its order: {@code (db·grid)·(±1)}, {@code dl·(grid ± 1/8)}. A row's product
 * decodes one super-block at a time and multiplies it with x in {@link GroupedDot}'s order
 * ({@link SuperBlockMatrix#dotByBlocks}); no row is copied out as floats for a single input.
 */
public record LatticeMatrix(DType type, MemorySegment data, int rows, int cols) implements SuperBlockMatrix {

    public LatticeMatrix {
        switch (type) {
            case IQ2_XXS, IQ2_XS, IQ2_S, IQ3_XXS, IQ3_S, IQ1_S, IQ1_M -> { }
            default -> throw new IllegalArgumentException(type + " is not a lattice i-quant");
        }
        if (cols % BLOCK != 0) throw new IllegalArgumentException(cols + " columns are not whole " + type + " super-blocks");
    }

    @Override
    public float dot(int row, float[] x, int xOff) {
        return dotByBlocks(row, x, xOff);
    }

    @Override
    public void decodeBlock(long o, float[] dst, int dstOff) {
        if (VectorWidth.SCALAR) {
            LatticeBlocks.dequantize(type, data, o, dst, dstOff);
            return;
        }
        Parts p = PARTS.get();
        switch (type) {
            case IQ2_XXS -> iq2xxs(data, o, p);
            case IQ2_XS -> iq2xs(data, o, p);
            case IQ2_S -> iq2s(data, o, p);
            case IQ3_XXS -> iq3xxs(data, o, p);
            case IQ3_S -> iq3s(data, o, p);
            case IQ1_S -> iq1s(data, o, p);
            case IQ1_M -> iq1m(data, o, p);
            default -> throw new IllegalStateException(type.toString());
        }
        if (type == DType.IQ1_S || type == DType.IQ1_M) shifted(p, dst, dstOff);
        else signed(p, dst, dstOff);
    }

    @Override
    public WeightMatrix rowSlice(int firstRow, int count) {
        return new LatticeMatrix(type, data.asSlice(firstRow * rowBytes(), count * rowBytes()), count, cols);
    }

    /** One super-block's parts between the passes: code-book bytes, a bit per element, a scale per 16 elements. */
    private static final class Parts {
        final byte[] grid = new byte[BLOCK];
        final long[] bits = new long[BLOCK / 64];
        final float[] scales = new float[BLOCK / 16];
    }

    private static final ThreadLocal<Parts> PARTS = ThreadLocal.withInitial(Parts::new);
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private static final VectorSpecies<Float> F = VectorWidth.FLOAT;
    private static final VectorSpecies<Byte> B = VectorWidth.BYTE;
    private static final int L = VectorWidth.LANES;
    private static final long LANE_BITS = L == 64 ? -1L : (1L << L) - 1;

    /** Bits {@code e .. e+L} of the element bits. */
    private static long bitsAt(long[] bits, int e) {
        return (bits[e >>> 6] >>> (e & 63)) & LANE_BITS;
    }

    /** Unsigned code-book bytes {@code e .. e+L} as ints. */
    private static IntVector unsigned(byte[] grid, int e) {
        if (L >= 8) return (IntVector) ByteVector.fromArray(B, grid, e).convertShape(VectorOperators.ZERO_EXTEND_B2I, CodeBytes.I, 0);
        return IntVector.broadcast(CodeBytes.I, (int) INTS.get(grid, e)).lanewise(VectorOperators.LSHR, BYTE_SHIFTS).and(0xFF);
    }

    /** Signed code-book bytes {@code e .. e+L} as ints. */
    private static IntVector signed(byte[] grid, int e) {
        if (L >= 8) return (IntVector) ByteVector.fromArray(B, grid, e).convertShape(VectorOperators.B2I, CodeBytes.I, 0);
        return IntVector.broadcast(CodeBytes.I, (int) INTS.get(grid, e)).lanewise(VectorOperators.LSHL, SIGNED_SHIFTS).lanewise(VectorOperators.ASHR, 24);
    }

    /** Lane i: 8·(i mod 4), and 24 − 8·(i mod 4): the shifts that take byte i of a little-endian int (4-lane vectors). */
    private static final IntVector BYTE_SHIFTS = IntVector.zero(CodeBytes.I).addIndex(1).and(3).lanewise(VectorOperators.LSHL, 3);
    private static final IntVector SIGNED_SHIFTS = IntVector.broadcast(CodeBytes.I, 24).sub(BYTE_SHIFTS);

    /** IQ2/IQ3 second pass: {@code (scale·grid)·(±1)}, negated where the element's bit is set. */
    private static void signed(Parts p, float[] dst, int dstOff) {
        for (int e = 0; e < BLOCK; e += L) {
            FloatVector v = CodeBytes.toFloat(unsigned(p.grid, e)).mul(p.scales[e >>> 4]);
            v.lanewise(VectorOperators.NEG, VectorMask.fromLong(F, bitsAt(p.bits, e))).intoArray(dst, dstOff + e);
        }
    }

    private static final FloatVector UP = FloatVector.broadcast(F, 0.125f), DOWN = FloatVector.broadcast(F, -0.125f);

    /** IQ1 second pass: {@code scale·(grid ± 1/8)}, the shift negative where the element's bit is set. */
    private static void shifted(Parts p, float[] dst, int dstOff) {
        for (int e = 0; e < BLOCK; e += L) {
            FloatVector delta = UP.blend(DOWN, VectorMask.fromLong(F, bitsAt(p.bits, e)));
            CodeBytes.toFloat(signed(p.grid, e)).add(delta).mul(p.scales[e >>> 4]).intoArray(dst, dstOff + e);
        }
    }

    /** 8 copies of a group's shift bit (0 or 0xFF). */
    private static long all8(boolean set) {
        return set ? 0xFF : 0;
    }

    // First passes, one per type: the same values and float operations as LatticeBlocks (ggml's dequantize_row_*),
    // reading the block in 8-byte words and keeping a word of element bits per 64 elements in a register.

    private static void iq2xxs(MemorySegment s, long off, Parts p) {
        float d = half(s, off);
        for (int ib = 0; ib < 8; ib++) {
            long word = s.get(LE_LONG, off + 2 + 8L * ib);
            int aux1 = (int) (word >>> 32);
            float db = d * (0.5f + (aux1 >>> 28)) * 0.25f;
            p.scales[2 * ib] = db;
            p.scales[2 * ib + 1] = db;
            long signs = 0;
            for (int l = 0; l < 4; l++) {
                LONGS.set(p.grid, 32 * ib + 8 * l, IQ2XXS_GRID[(int) (word >>> (8 * l)) & 0xFF]);
                signs |= (long) KSIGNS_IQ2XS[(aux1 >>> (7 * l)) & 127] << (8 * l);
            }
            putBits(p.bits, ib, signs);
        }
    }

    private static void iq2xs(MemorySegment s, long off, Parts p) {
        float d = half(s, off);
        long scales = s.get(LE_LONG, off + 66);
        for (int ib = 0; ib < 8; ib++) {
            int sc = (int) (scales >>> (8 * ib)) & 0xFF;
            p.scales[2 * ib] = d * (0.5f + (sc & 0xF)) * 0.25f;
            p.scales[2 * ib + 1] = d * (0.5f + (sc >>> 4)) * 0.25f;
            long codes = s.get(LE_LONG, off + 2 + 8L * ib), signs = 0;
            for (int l = 0; l < 4; l++) {
                int code = (int) (codes >>> (16 * l)) & 0xFFFF;
                LONGS.set(p.grid, 32 * ib + 8 * l, IQ2XS_GRID[code & 511]);
                signs |= (long) KSIGNS_IQ2XS[code >>> 9] << (8 * l);
            }
            putBits(p.bits, ib, signs);
        }
    }

    private static void iq2s(MemorySegment s, long off, Parts p) {
        float d = half(s, off);
        long high = s.get(LE_LONG, off + 66), scales = s.get(LE_LONG, off + 74);
        for (int k = 0; k < 4; k++) p.bits[k] = s.get(LE_LONG, off + 34 + 8L * k); // one sign byte per 8 elements, in order
        for (int ib = 0; ib < 8; ib++) {
            int sc = (int) (scales >>> (8 * ib)) & 0xFF, h = (int) (high >>> (8 * ib)) & 0xFF;
            p.scales[2 * ib] = d * (0.5f + (sc & 0xF)) * 0.25f;
            p.scales[2 * ib + 1] = d * (0.5f + (sc >>> 4)) * 0.25f;
            int indexes = s.get(LE_INT, off + 2 + 4L * ib);
            for (int l = 0; l < 4; l++) {
                LONGS.set(p.grid, 32 * ib + 8 * l, IQ2S_GRID[((indexes >>> (8 * l)) & 0xFF) | ((h << (8 - 2 * l)) & 0x300)]);
            }
        }
    }

    private static void iq3xxs(MemorySegment s, long off, Parts p) {
        float d = half(s, off);
        for (int ib = 0; ib < 8; ib++) {
            int aux = s.get(LE_INT, off + 66 + 4L * ib);
            float db = d * (0.5f + (aux >>> 28)) * 0.5f;
            p.scales[2 * ib] = db;
            p.scales[2 * ib + 1] = db;
            long indexes = s.get(LE_LONG, off + 2 + 8L * ib), signs = 0;
            for (int l = 0; l < 4; l++) {
                int e = 32 * ib + 8 * l;
                INTS.set(p.grid, e, IQ3XXS_GRID[(int) (indexes >>> (16 * l)) & 0xFF]);
                INTS.set(p.grid, e + 4, IQ3XXS_GRID[(int) (indexes >>> (16 * l + 8)) & 0xFF]);
                signs |= (long) KSIGNS_IQ2XS[(aux >>> (7 * l)) & 127] << (8 * l);
            }
            putBits(p.bits, ib, signs);
        }
    }

    private static void iq3s(MemorySegment s, long off, Parts p) {
        float d = half(s, off);
        long high = s.get(LE_LONG, off + 66);
        int scales = s.get(LE_INT, off + 106);
        for (int k = 0; k < 4; k++) p.bits[k] = s.get(LE_LONG, off + 74 + 8L * k); // one sign byte per 8 elements, in order
        for (int ib = 0; ib < 8; ib++) {
            int sc = (scales >>> (8 * (ib / 2))) & 0xFF;
            float db = d * (1 + 2 * ((ib % 2 == 0) ? sc & 0xF : sc >>> 4));
            p.scales[2 * ib] = db;
            p.scales[2 * ib + 1] = db;
            int h = (int) (high >>> (8 * ib)) & 0xFF;
            long indexes = s.get(LE_LONG, off + 2 + 8L * ib);
            for (int l = 0; l < 4; l++) {
                int e = 32 * ib + 8 * l;
                INTS.set(p.grid, e, IQ3S_GRID[((int) (indexes >>> (16 * l)) & 0xFF) | ((h << (8 - 2 * l)) & 256)]);
                INTS.set(p.grid, e + 4, IQ3S_GRID[((int) (indexes >>> (16 * l + 8)) & 0xFF) | ((h << (7 - 2 * l)) & 256)]);
            }
        }
    }

    private static void iq1s(MemorySegment s, long off, Parts p) {
        float d = half(s, off);
        for (int ib = 0; ib < 8; ib++) {
            int qh = s.get(LE_SHORT, off + 34 + 2L * ib) & 0xFFFF, indexes = s.get(LE_INT, off + 2 + 4L * ib);
            float dl = d * (2 * ((qh >>> 12) & 7) + 1);
            p.scales[2 * ib] = dl;
            p.scales[2 * ib + 1] = dl;
            for (int l = 0; l < 4; l++) {
                LONGS.set(p.grid, 32 * ib + 8 * l, IQ1S_GRID[((indexes >>> (8 * l)) & 0xFF) | (((qh >>> (3 * l)) & 7) << 8)]);
            }
            putBits(p.bits, ib, (qh & 0x8000) != 0 ? 0xFFFFFFFFL : 0);
        }
    }

    private static void iq1m(MemorySegment s, long off, Parts p) {
        long words = s.get(LE_LONG, off + 48);
        int w0 = (int) words & 0xFFFF, w1 = (int) (words >>> 16) & 0xFFFF, w2 = (int) (words >>> 32) & 0xFFFF, w3 = (int) (words >>> 48) & 0xFFFF;
        // d is an IEEE half spread over the top nibbles of the four 16-bit scale words
        float d = Float.float16ToFloat((short) ((w0 >>> 12) | ((w1 >>> 8) & 0x00F0) | ((w2 >>> 4) & 0x0F00) | (w3 & 0xF000)));
        for (int ib = 0; ib < 8; ib++) {
            int w = (int) (words >>> (16 * (ib / 2))) & 0xFFFF, shift = 6 * (ib % 2);
            p.scales[2 * ib] = d * (2 * ((w >>> shift) & 7) + 1);
            p.scales[2 * ib + 1] = d * (2 * ((w >>> (shift + 3)) & 7) + 1);
            int h0 = u8(s, off + 32 + 2L * ib), h1 = u8(s, off + 33 + 2L * ib), indexes = s.get(LE_INT, off + 4L * ib), e = 32 * ib;
            LONGS.set(p.grid, e, IQ1S_GRID[(indexes & 0xFF) | ((h0 << 8) & 0x700)]);
            LONGS.set(p.grid, e + 8, IQ1S_GRID[((indexes >>> 8) & 0xFF) | ((h0 << 4) & 0x700)]);
            LONGS.set(p.grid, e + 16, IQ1S_GRID[((indexes >>> 16) & 0xFF) | ((h1 << 8) & 0x700)]);
            LONGS.set(p.grid, e + 24, IQ1S_GRID[(indexes >>> 24) | ((h1 << 4) & 0x700)]);
            putBits(p.bits, ib, all8((h0 & 0x08) != 0) | all8((h0 & 0x80) != 0) << 8 | all8((h1 & 0x08) != 0) << 16 | all8((h1 & 0x80) != 0) << 24);
        }
    }

    /** The 32 element bits of sub-block {@code ib} (elements {@code 32ib ..}) into the bit words. */
    private static void putBits(long[] bits, int ib, long bits32) {
        int k = ib >>> 1, shift = 32 * (ib & 1);
        bits[k] = (bits[k] & ~(0xFFFFFFFFL << shift)) | ((bits32 & 0xFFFFFFFFL) << shift);
    }
}
