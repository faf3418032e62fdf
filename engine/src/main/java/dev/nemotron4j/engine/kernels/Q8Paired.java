package dev.nemotron4j.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * The Q8_0 kernels for 16-lane float vectors. The 32 codes of a block are loaded as 16 little-endian shorts
 * and widened to ints once; each int then holds an even code in its low byte and an odd code in the next, so
 * two shifts give the even and the odd codes (sign-extended) — much cheaper than widening bytes one vector
 * at a time. x is split the same way (two lane shuffles, or once per product by {@link #split}).
 *
 * <p>Every path computes with the dequantized weights {@code w = d·q}, which float32 holds exactly (an 8-bit code
 * times an 11-bit half mantissa), as the GGUF goldens define the result. One order for every path: per (weight row,
 * input row), the even-code halves of the blocks accumulate into one vector and the odd-code halves into another,
 * in block order; the two are added and summed by {@link LaneSum}. A row dequantized once into scratch
 * ({@link #decode}: each block's 16 even then 16 odd weights) is then a plain float row whose 16-lane chunks go
 * alternately into the two accumulators, so batched products share one float kernel ({@link DequantizedRows}) and every output is
 * bit-identical to {@link #dot}.
 */
final class Q8Paired {
    private Q8Paired() {}

    static final VectorSpecies<Float> F = VectorWidth.FLOAT;
    /** Whether these kernels apply: 512-bit vectors (other widths take {@link Block32}'s generic kernels). */
    static final boolean ENABLED = !VectorWidth.SCALAR && F.length() == 16;
    /** A block's 32 codes as 16 shorts, widened to 16 ints (at 16 lanes; unused at other widths). */
    private static final VectorSpecies<Short> S = VectorWidth.SHORT;
    private static final VectorSpecies<Integer> I = VectorWidth.INT;
    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(F, i -> 2 * i);
    private static final VectorShuffle<Float> ODD = VectorShuffle.fromOp(F, i -> 2 * i + 1);

    private static IntVector codes(MemorySegment data, long qs) {
        return (IntVector) ShortVector.fromMemorySegment(S, data, qs, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.S2I, I, 0);
    }

    private static FloatVector even(IntVector pairs) {
        return (FloatVector) pairs.lanewise(VectorOperators.LSHL, 24).lanewise(VectorOperators.ASHR, 24).convert(VectorOperators.I2F, 0);
    }

    private static FloatVector odd(IntVector pairs) {
        return (FloatVector) pairs.lanewise(VectorOperators.ASHR, 8).convert(VectorOperators.I2F, 0);
    }

    /** Row dot product against an unsplit input; blocks of 34 bytes from {@code base}. */
    static float dot(MemorySegment data, long base, int blocks, float[] x, int xOff) {
        FloatVector accE = FloatVector.zero(F), accO = accE;
        for (int blk = 0; blk < blocks; blk++) {
            long o = base + (long) blk * Q8_0Matrix.BLOCK_BYTES;
            IntVector pairs = codes(data, o + 2);
            FloatVector d = FloatVector.broadcast(F, GgmlBlocks.half(data, o));
            FloatVector xa = FloatVector.fromArray(F, x, xOff + blk * 32), xb = FloatVector.fromArray(F, x, xOff + blk * 32 + 16);
            accE = even(pairs).mul(d).fma(xa.rearrange(EVEN, xb), accE);
            accO = odd(pairs).mul(d).fma(xa.rearrange(ODD, xb), accO);
        }
        return LaneSum.sum(accE.add(accO));
    }

    /**
     * {@link #dot} against an input row already {@link #split}: plain loads instead of two lane shuffles per
     * block. A shuffle is exact, so the same values meet in the same operations: bit-identical to {@link #dot}.
     */
    static float dotSplit(MemorySegment data, long base, int blocks, float[] xs, int xOff) {
        FloatVector accE = FloatVector.zero(F), accO = accE;
        for (int blk = 0; blk < blocks; blk++) {
            long o = base + (long) blk * Q8_0Matrix.BLOCK_BYTES;
            IntVector pairs = codes(data, o + 2);
            FloatVector d = FloatVector.broadcast(F, GgmlBlocks.half(data, o));
            int xo = xOff + blk * 32;
            accE = even(pairs).mul(d).fma(FloatVector.fromArray(F, xs, xo), accE);
            accO = odd(pairs).mul(d).fma(FloatVector.fromArray(F, xs, xo + 16), accO);
        }
        return LaneSum.sum(accE.add(accO));
    }

    /**
     * {@link #dotSplit} for two split inputs {@code xStride} apart, sharing each block's dequantized weights;
     * bit-identical to {@link #dotSplit} for each.
     */
    static void dotSplit2(MemorySegment data, long base, int blocks, float[] xs, int xOff, int xStride,
                          float[] out, int outOff, int outStride) {
        FloatVector e0 = FloatVector.zero(F), o0 = e0, e1 = e0, o1 = e0;
        int x1 = xOff + xStride;
        for (int blk = 0; blk < blocks; blk++) {
            long o = base + (long) blk * Q8_0Matrix.BLOCK_BYTES;
            int c = blk * 32;
            IntVector pairs = codes(data, o + 2);
            FloatVector d = FloatVector.broadcast(F, GgmlBlocks.half(data, o));
            FloatVector we = even(pairs).mul(d), wo = odd(pairs).mul(d);
            e0 = we.fma(FloatVector.fromArray(F, xs, xOff + c), e0);
            o0 = wo.fma(FloatVector.fromArray(F, xs, xOff + c + 16), o0);
            e1 = we.fma(FloatVector.fromArray(F, xs, x1 + c), e1);
            o1 = wo.fma(FloatVector.fromArray(F, xs, x1 + c + 16), o1);
        }
        out[outOff] = LaneSum.sum(e0.add(o0));
        out[outOff + outStride] = LaneSum.sum(e1.add(o1));
    }

    /**
     * Rows at {@code base0} and {@code base1} against four split inputs, both rows dequantized in registers block by
     * block (no scratch): row r, input b into {@code out[outOff + r + b·outStride]}; bit-identical to {@link #dotSplit}.
     */
    static void dotSplit2x4(MemorySegment data, long base0, long base1, int blocks, float[] x, int xOff, int xStride,
                            float[] out, int outOff, int outStride) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, e0 = a0, e1 = a0, e2 = a0, e3 = a0;
        FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0, f0 = a0, f1 = a0, f2 = a0, f3 = a0;
        int x1 = xOff + xStride, x2 = x1 + xStride, x3 = x2 + xStride;
        for (int blk = 0; blk < blocks; blk++) {
            long o0 = base0 + (long) blk * Q8_0Matrix.BLOCK_BYTES, o1 = base1 + (long) blk * Q8_0Matrix.BLOCK_BYTES;
            int c = blk * 32;
            IntVector pairs = codes(data, o0 + 2);
            FloatVector d = FloatVector.broadcast(F, GgmlBlocks.half(data, o0));
            FloatVector p = even(pairs).mul(d), pp = odd(pairs).mul(d);
            pairs = codes(data, o1 + 2);
            d = FloatVector.broadcast(F, GgmlBlocks.half(data, o1));
            FloatVector q = even(pairs).mul(d), qq = odd(pairs).mul(d);
            FloatVector v = FloatVector.fromArray(F, x, xOff + c);
            a0 = p.fma(v, a0);
            b0 = q.fma(v, b0);
            v = FloatVector.fromArray(F, x, x1 + c);
            a1 = p.fma(v, a1);
            b1 = q.fma(v, b1);
            v = FloatVector.fromArray(F, x, x2 + c);
            a2 = p.fma(v, a2);
            b2 = q.fma(v, b2);
            v = FloatVector.fromArray(F, x, x3 + c);
            a3 = p.fma(v, a3);
            b3 = q.fma(v, b3);
            v = FloatVector.fromArray(F, x, xOff + c + 16);
            e0 = pp.fma(v, e0);
            f0 = qq.fma(v, f0);
            v = FloatVector.fromArray(F, x, x1 + c + 16);
            e1 = pp.fma(v, e1);
            f1 = qq.fma(v, f1);
            v = FloatVector.fromArray(F, x, x2 + c + 16);
            e2 = pp.fma(v, e2);
            f2 = qq.fma(v, f2);
            v = FloatVector.fromArray(F, x, x3 + c + 16);
            e3 = pp.fma(v, e3);
            f3 = qq.fma(v, f3);
        }
        float[] lanes = LaneSum.lanes();
        int l = F.length();
        a0.add(e0).intoArray(lanes, 0);
        a1.add(e1).intoArray(lanes, l);
        a2.add(e2).intoArray(lanes, 2 * l);
        a3.add(e3).intoArray(lanes, 3 * l);
        b0.add(f0).intoArray(lanes, 4 * l);
        b1.add(f1).intoArray(lanes, 5 * l);
        b2.add(f2).intoArray(lanes, 6 * l);
        b3.add(f3).intoArray(lanes, 7 * l);
        LaneSum.sumsInto(lanes, 4, out, outOff, outStride);
        LaneSum.sumsInto(lanes, 4, 4, out, outOff + 1, outStride);
    }

    /**
     * Dequantized weights {@code d·q} of {@code blocks} blocks from {@code base} into {@code w} from {@code wOff},
     * each block's 16 even-code weights then its 16 odd-code ones (exact: see the class comment).
     */
    static void decode(MemorySegment data, long base, int blocks, float[] w, int wOff) {
        for (int blk = 0; blk < blocks; blk++) {
            long o = base + (long) blk * Q8_0Matrix.BLOCK_BYTES;
            IntVector pairs = codes(data, o + 2);
            FloatVector d = FloatVector.broadcast(F, GgmlBlocks.half(data, o));
            even(pairs).mul(d).intoArray(w, wOff + blk * 32);
            odd(pairs).mul(d).intoArray(w, wOff + blk * 32 + 16);
        }
    }

    /** Splits every 32-block of {@code n} elements of x into its 16 even then 16 odd elements. */
    static void split(float[] x, int xOff, float[] dst, int dstOff, int n) {
        for (int o = 0; o < n; o += 32) {
            FloatVector xa = FloatVector.fromArray(F, x, xOff + o), xb = FloatVector.fromArray(F, x, xOff + o + 16);
            xa.rearrange(EVEN, xb).intoArray(dst, dstOff + o);
            xa.rearrange(ODD, xb).intoArray(dst, dstOff + o + 16);
        }
    }
}
