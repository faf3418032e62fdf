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
 * at a time. x is split the same way (two lane shuffles), and each block contributes
 * {@code d · (q_even·x_even + q_odd·x_odd)}. The decoded form keeps codes in that even/odd order so that
 * batched and single-row results stay bit-identical.
 */
final class Q8Paired {
    private Q8Paired() {}

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final boolean ENABLED = F.length() == 16;
    private static final VectorSpecies<Short> S = ShortVector.SPECIES_256;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_512;
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

    /** Row dot product; blocks of 34 bytes from {@code base}. */
    static float dot(MemorySegment data, long base, int blocks, float[] x, int xOff) {
        FloatVector acc = FloatVector.zero(F), other = acc;
        for (int blk = 0; blk < blocks; blk++) {
            long o = base + (long) blk * Q8_0Matrix.BLOCK_BYTES;
            FloatVector next = pairedBlock(data, o, x, xOff + blk * 32).fma(FloatVector.broadcast(F, GgmlBlocks.half(data, o)), acc);
            // even blocks into one accumulator, odd into the other: swap roles instead of branching on parity
            acc = other;
            other = next;
        }
        return LaneSum.sum(acc.add(other)); // (even + odd or odd + even: float addition commutes exactly)
    }

    /** Lane-wise {@code q_even·x_even + q_odd·x_odd} of the block at {@code o}, x split by two lane shuffles. */
    private static FloatVector pairedBlock(MemorySegment data, long o, float[] x, int xo) {
        IntVector pairs = codes(data, o + 2);
        FloatVector xa = FloatVector.fromArray(F, x, xo), xb = FloatVector.fromArray(F, x, xo + 16);
        return odd(pairs).fma(xa.rearrange(ODD, xb), even(pairs).mul(xa.rearrange(EVEN, xb)));
    }

    /**
     * {@link #dot} against an input row already {@link #split}: plain loads instead of two lane shuffles per
     * block. A shuffle is exact, so the same values meet in the same operations: bit-identical to {@link #dot}.
     */
    static float dotSplit(MemorySegment data, long base, int blocks, float[] xs, int xOff) {
        FloatVector acc = FloatVector.zero(F), other = acc;
        for (int blk = 0; blk < blocks; blk++) {
            long o = base + (long) blk * Q8_0Matrix.BLOCK_BYTES;
            FloatVector next = splitBlock(data, o, xs, xOff + blk * 32).fma(FloatVector.broadcast(F, GgmlBlocks.half(data, o)), acc);
            // even blocks into one accumulator, odd into the other: swap roles instead of branching on parity
            acc = other;
            other = next;
        }
        return LaneSum.sum(acc.add(other)); // (even + odd or odd + even: float addition commutes exactly)
    }

    /**
     * {@link #dotSplit} for two split inputs {@code xStride} apart, sharing each block's widened codes;
     * bit-identical to {@link #dotSplit} for each.
     */
    static void dotSplit2(MemorySegment data, long base, int blocks, float[] xs, int xOff, int xStride,
                          float[] out, int outOff, int outStride) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, b0 = a0, b1 = a0;
        int x1 = xOff + xStride;
        for (int blk = 0; blk < blocks; blk++) {
            long o = base + (long) blk * Q8_0Matrix.BLOCK_BYTES;
            int e = blk * 32;
            IntVector pairs = codes(data, o + 2);
            FloatVector ev = even(pairs), od = odd(pairs), d = FloatVector.broadcast(F, GgmlBlocks.half(data, o));
            FloatVector v0 = od.fma(FloatVector.fromArray(F, xs, xOff + e + 16), ev.mul(FloatVector.fromArray(F, xs, xOff + e)));
            FloatVector v1 = od.fma(FloatVector.fromArray(F, xs, x1 + e + 16), ev.mul(FloatVector.fromArray(F, xs, x1 + e)));
            if ((blk & 1) == 0) {
                a0 = v0.fma(d, a0);
                a1 = v1.fma(d, a1);
            } else {
                b0 = v0.fma(d, b0);
                b1 = v1.fma(d, b1);
            }
        }
        out[outOff] = LaneSum.sum(a0.add(b0));
        out[outOff + outStride] = LaneSum.sum(a1.add(b1));
    }

    /** Lane-wise {@code q_even·x_even + q_odd·x_odd} of the block at {@code o} against split inputs at {@code xo}. */
    private static FloatVector splitBlock(MemorySegment data, long o, float[] xs, int xo) {
        IntVector pairs = codes(data, o + 2);
        return odd(pairs).fma(FloatVector.fromArray(F, xs, xo + 16), even(pairs).mul(FloatVector.fromArray(F, xs, xo)));
    }

    /** Codes as floats in even/odd order ({@code q[32b .. 32b+16)} even, then odd) and scales into {@code d}. */
    static void decode(MemorySegment data, long base, int blocks, float[] q, float[] d) {
        decode(data, base, blocks, q, 0, d, 0);
    }

    /** {@link #decode} into {@code q} from {@code qOff} and {@code d} from {@code dOff}. */
    static void decode(MemorySegment data, long base, int blocks, float[] q, int qOff, float[] d, int dOff) {
        for (int blk = 0; blk < blocks; blk++) {
            long o = base + (long) blk * Q8_0Matrix.BLOCK_BYTES;
            d[dOff + blk] = GgmlBlocks.half(data, o);
            IntVector pairs = codes(data, o + 2);
            even(pairs).intoArray(q, qOff + blk * 32);
            odd(pairs).intoArray(q, qOff + blk * 32 + 16);
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

    /**
     * Two rows {@link #decode}d once (codes of row 1 at {@code q[32·blocks ..]}, its scales at {@code d[blocks ..]})
     * against four split inputs: row r, input b into {@code out[outOff + r + b·outStride]}. Each input vector feeds
     * both rows, halving the input traffic from L2 that bounds the one-row kernel; each (row, input) sees exactly
     * the operations of {@link #dotSplit4}, so the results are bit-identical to {@link #dot}. The accumulators of the
     * even and the odd blocks swap roles every block (no parity branch; a small body for the JIT's inlining budget).
     */
    static void dotSplit2x4(float[] q, float[] d, int blocks, float[] x, int xOff, int xStride, float[] out, int outOff, int outStride) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, e0 = a0, e1 = a0, e2 = a0, e3 = a0; // row 0
        FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0, f0 = a0, f1 = a0, f2 = a0, f3 = a0;                 // row 1
        int x1 = xOff + xStride, x2 = x1 + xStride, x3 = x2 + xStride, row1 = blocks * 32;
        for (int blk = 0; blk < blocks; blk++) {
            int o = blk * 32;
            FloatVector qe = FloatVector.fromArray(F, q, o), qo = FloatVector.fromArray(F, q, o + 16);
            FloatVector re = FloatVector.fromArray(F, q, row1 + o), ro = FloatVector.fromArray(F, q, row1 + o + 16);
            FloatVector d0 = FloatVector.broadcast(F, d[blk]), d1 = FloatVector.broadcast(F, d[blocks + blk]);
            FloatVector xe = FloatVector.fromArray(F, x, xOff + o), xo = FloatVector.fromArray(F, x, xOff + o + 16);
            FloatVector n0 = qo.fma(xo, qe.mul(xe)).fma(d0, a0), m0 = ro.fma(xo, re.mul(xe)).fma(d1, b0);
            xe = FloatVector.fromArray(F, x, x1 + o);
            xo = FloatVector.fromArray(F, x, x1 + o + 16);
            FloatVector n1 = qo.fma(xo, qe.mul(xe)).fma(d0, a1), m1 = ro.fma(xo, re.mul(xe)).fma(d1, b1);
            xe = FloatVector.fromArray(F, x, x2 + o);
            xo = FloatVector.fromArray(F, x, x2 + o + 16);
            FloatVector n2 = qo.fma(xo, qe.mul(xe)).fma(d0, a2), m2 = ro.fma(xo, re.mul(xe)).fma(d1, b2);
            xe = FloatVector.fromArray(F, x, x3 + o);
            xo = FloatVector.fromArray(F, x, x3 + o + 16);
            FloatVector n3 = qo.fma(xo, qe.mul(xe)).fma(d0, a3), m3 = ro.fma(xo, re.mul(xe)).fma(d1, b3);
            a0 = e0;
            a1 = e1;
            a2 = e2;
            a3 = e3;
            e0 = n0;
            e1 = n1;
            e2 = n2;
            e3 = n3;
            b0 = f0;
            b1 = f1;
            b2 = f2;
            b3 = f3;
            f0 = m0;
            f1 = m1;
            f2 = m2;
            f3 = m3;
        }
        // Reduced through memory: LaneSum.sum(FloatVector) is not inlined into a method this size and would box.
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
     * Four input rows already {@link #split} against a row {@link #decode}d once: the same values meet in the same
     * operations (a lane shuffle is exact), so the results are bit-identical to {@link #dot}.
     */
    static void dotSplit4(float[] q, float[] d, int blocks, float[] x, int xOff, int xStride, float[] out, int outOff, int outStride) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        int x1 = xOff + xStride, x2 = x1 + xStride, x3 = x2 + xStride;
        for (int blk = 0; blk < blocks; blk++) {
            int o = blk * 32;
            FloatVector qe = FloatVector.fromArray(F, q, o), qo = FloatVector.fromArray(F, q, o + 16);
            FloatVector dv = FloatVector.broadcast(F, d[blk]);
            FloatVector v0 = qo.fma(FloatVector.fromArray(F, x, xOff + o + 16), qe.mul(FloatVector.fromArray(F, x, xOff + o)));
            FloatVector v1 = qo.fma(FloatVector.fromArray(F, x, x1 + o + 16), qe.mul(FloatVector.fromArray(F, x, x1 + o)));
            FloatVector v2 = qo.fma(FloatVector.fromArray(F, x, x2 + o + 16), qe.mul(FloatVector.fromArray(F, x, x2 + o)));
            FloatVector v3 = qo.fma(FloatVector.fromArray(F, x, x3 + o + 16), qe.mul(FloatVector.fromArray(F, x, x3 + o)));
            if ((blk & 1) == 0) {
                a0 = v0.fma(dv, a0);
                a1 = v1.fma(dv, a1);
                a2 = v2.fma(dv, a2);
                a3 = v3.fma(dv, a3);
            } else {
                b0 = v0.fma(dv, b0);
                b1 = v1.fma(dv, b1);
                b2 = v2.fma(dv, b2);
                b3 = v3.fma(dv, b3);
            }
        }
        // Reduced through memory: LaneSum.sum(FloatVector) is not inlined into a method this size and would box.
        float[] lanes = LaneSum.lanes();
        int l = F.length();
        a0.add(b0).intoArray(lanes, 0);
        a1.add(b1).intoArray(lanes, l);
        a2.add(b2).intoArray(lanes, 2 * l);
        a3.add(b3).intoArray(lanes, 3 * l);
        LaneSum.sumsInto(lanes, 4, out, outOff, outStride);
    }
}
