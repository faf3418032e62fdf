package dev.nemotron4j.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * Dot products for 16-bit float weights (bfloat16 and IEEE half), widened to float32 in registers.
 *
 * <p>One reduction order for every path: per (weight row, input row), chunks of {@code F.length()} lanes go
 * alternately into two accumulators (even chunks, odd chunks; a last unpaired chunk into the even one), the
 * two are added and summed by {@link LaneSum}, then the leftover columns are added in order. The batched
 * {@link #multiplyRows} keeps that order for every pair, so a sequence decoded in a batch gets exactly the
 * bits it gets alone.
 *
 * <p>The batched kernel works on 4 weight rows × 2 input rows at once (16 accumulators): each widened weight
 * vector feeds 2 FMAs and each input vector 4. Rows are taken in panels that stay in L2 while every input pair
 * passes, so only the first pair reads them from memory (docs/BENCHMARKS.md has the measurements).
 *
 * <p>With {@link VectorWidth#SCALAR} every path is {@link #dotScalar} (batched and single alike, so still
 * bit-identical to each other).
 */
final class HalfFloatKernel {
    private HalfFloatKernel() {}

    /** The two storage formats; a loop invariant in every kernel, which the JIT unswitches on. */
    enum Format { BF16, F16 }

    private static final VectorSpecies<Float> F = VectorWidth.FLOAT;
    private static final VectorSpecies<Integer> I = VectorWidth.INT;
    private static final VectorSpecies<Short> S = VectorWidth.SHORT;
    private static final int STEP = F.length();

    /**
     * Row blocks per panel in {@link #multiplyRows}: 8 blocks of 4 rows (≤ 256 KB of weights for rows of 4096)
     * stay in L2 while every input pair passes; measured 15 % faster than block by block at batch 8.
     */
    static final int PANEL_BLOCKS = 8;


    /** Rows of a weight block in {@link #multiplyRows}. */
    static final int ROW_BLOCK = 4;

    // Vector constants rather than scalar operands: fewer JIT nodes per load, which keeps the big kernels
    // under the inlining node budget (over it, loads stop being inlined and every vector gets boxed).
    private static final IntVector F16_MASK = IntVector.broadcast(I, 0x8FFFE000);
    private static final FloatVector F16_SCALE = FloatVector.broadcast(F, 0x1p112f);

    /** Widens {@code F.length()} 16-bit values at byte {@code offset} exactly. */
    static FloatVector load(Format format, MemorySegment seg, long offset) {
        ShortVector s = ShortVector.fromMemorySegment(S, seg, offset, ByteOrder.LITTLE_ENDIAN);
        IntVector i = (IntVector) s.convertShape(VectorOperators.S2I, I, 0);
        if (format == Format.BF16) return i.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
        // IEEE half: the sign-extended bits shifted left by 13 put sign, exponent and mantissa where float32
        // has them (masking off the sign-extension copies); × 2^112 re-biases the exponent, exact for normal
        // and subnormal halves.
        return i.lanewise(VectorOperators.LSHL, 13).and(F16_MASK).reinterpretAsFloats().mul(F16_SCALE);
    }

    /**
     * {@code dst[dstOff + i] = float16ToFloat(src[srcOff + i])} for {@code i < n}: IEEE half bit patterns widened
     * exactly as {@link #load} does (finite values; an infinity or NaN does not occur where this is used, the
     * half-precision attention cache, which saturates on narrowing).
     */
    static void widen(short[] src, int srcOff, float[] dst, int dstOff, int n) {
        int i = 0;
        for (; i <= n - STEP && !VectorWidth.SCALAR; i += STEP) {
            IntVector bits = (IntVector) ShortVector.fromArray(S, src, srcOff + i).convertShape(VectorOperators.S2I, I, 0);
            bits.lanewise(VectorOperators.LSHL, 13).and(F16_MASK).reinterpretAsFloats().mul(F16_SCALE).intoArray(dst, dstOff + i);
        }
        for (; i < n; i++) dst[dstOff + i] = Float.float16ToFloat(src[srcOff + i]);
    }

    /** Exact widening of one value. */
    static float toFloat(Format format, short bits) {
        return format == Format.BF16 ? Float.intBitsToFloat(bits << 16) : Float.float16ToFloat(bits);
    }

    /** Dot product of the {@code cols} values at byte {@code base} with {@code x[xOff ..]}. */
    static float dot(Format format, MemorySegment w, long base, int cols, float[] x, int xOff) {
        if (VectorWidth.SCALAR) return dotScalar(format, w, base, cols, x, xOff);
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F);
        int i = 0;
        for (; i <= cols - 2 * STEP; i += 2 * STEP) {
            acc0 = load(format, w, base + i * 2L).fma(FloatVector.fromArray(F, x, xOff + i), acc0);
            acc1 = load(format, w, base + (i + STEP) * 2L).fma(FloatVector.fromArray(F, x, xOff + i + STEP), acc1);
        }
        for (; i <= cols - STEP; i += STEP) {
            acc0 = load(format, w, base + i * 2L).fma(FloatVector.fromArray(F, x, xOff + i), acc0);
        }
        float sum = LaneSum.sum(acc0.add(acc1));
        for (; i < cols; i++) sum += toFloat(format, w.get(Bf16Matrix.LE_SHORT, base + i * 2L)) * x[xOff + i];
        return sum;
    }

    /** Scalar twin of {@link #dot}: plain sequential sum. */
    static float dotScalar(Format format, MemorySegment w, long base, int cols, float[] x, int xOff) {
        float sum = 0;
        for (int i = 0; i < cols; i++) sum += toFloat(format, w.get(Bf16Matrix.LE_SHORT, base + i * 2L)) * x[xOff + i];
        return sum;
    }

    /**
     * {@code out[outOff + b·outStride + o] = dot(row o, x[xOff + b·xStride ..])} for rows {@code [start, end)}
     * and {@code b < batch}, bit-identical to {@link #dot}.
     */
    static void multiplyRows(Format format, MemorySegment w, int cols, int start, int end,
                             float[] x, int xOff, int xStride, int batch, float[] out, int outOff, int outStride) {
        long rowBytes = cols * 2L;
        int o = start;
        if (batch >= 2 && !VectorWidth.SCALAR) {
            float[] lanes = LaneSum.lanes(); // where the 4×2 kernels park their 8 accumulators
            // Panels of rows small enough to stay in L2: the first input pair streams a panel from memory,
            // the other pairs find it in cache.
            int blocks = (end - o) / ROW_BLOCK;
            for (int p0 = 0; p0 < blocks; p0 += PANEL_BLOCKS) {
                int p1 = Math.min(blocks, p0 + PANEL_BLOCKS);
                int b = 0;
                if (batch >= 4) {
                    // The 4x2 blocks do too much arithmetic per byte to stream their first pass well (PanelPrefetch):
                    // a bench-s step at batch 8, 71.7-78.6 -> 66.8-70.6 ms in bfloat16 (the LM head alone: no change).
                    PanelPrefetch.prefetch(w, (o + p0 * ROW_BLOCK) * rowBytes, (o + p1 * ROW_BLOCK) * rowBytes);
                }
                if (batch < 4) {
                    // A single pair is bound by memory: row by row, one sequential stream, is what the
                    // prefetchers serve best (measured 25 -> 21 ms for a 131072 x 2688 product at batch 2).
                    for (int r = o + p0 * ROW_BLOCK; r < o + p1 * ROW_BLOCK; r++) {
                        row1x2(format, w, r * rowBytes, cols, x, xOff, xStride, out, outOff + r, outStride);
                    }
                    b = 2;
                }
                for (; b + 2 <= batch; b += 2) {
                    for (int k = p0; k < p1; k++) {
                        int row = o + k * ROW_BLOCK;
                        if (format == Format.BF16) {
                            block4x2(format, w, row * rowBytes, rowBytes, cols, x, xOff + b * xStride, xStride, out, outOff + b * outStride + row, outStride, lanes);
                        } else {
                            block4x2Compact(format, w, row * rowBytes, rowBytes, cols, x, xOff + b * xStride, xStride, out, outOff + b * outStride + row, outStride, lanes);
                        }
                    }
                }
                if (b < batch) {
                    for (int k = p0; k < p1; k++) {
                        int row = o + k * ROW_BLOCK;
                        for (int r = 0; r < ROW_BLOCK; r++) {
                            out[outOff + b * outStride + row + r] = dot(format, w, (row + r) * rowBytes, cols, x, xOff + b * xStride);
                        }
                    }
                }
            }
            o += blocks * ROW_BLOCK;
        }
        for (; o < end; o++) {
            long base = o * rowBytes;
            for (int b = 0; b < batch; b++) out[outOff + b * outStride + o] = dot(format, w, base, cols, x, xOff + b * xStride);
        }
    }

    /** One weight row from byte {@code base} × input rows {@code x0} and {@code x0 + xStride}. */
    private static void row1x2(Format format, MemorySegment w, long base, int cols, float[] x, int x0, int xStride, float[] out, int o0, int outStride) {
        int x1 = x0 + xStride;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, c0 = a0, c1 = a0;
        int i = 0;
        for (; i <= cols - 2 * STEP; i += 2 * STEP) {
            FloatVector w0 = load(format, w, base + i * 2L), w1 = load(format, w, base + (i + STEP) * 2L);
            a0 = w0.fma(FloatVector.fromArray(F, x, x0 + i), a0);
            a1 = w0.fma(FloatVector.fromArray(F, x, x1 + i), a1);
            c0 = w1.fma(FloatVector.fromArray(F, x, x0 + i + STEP), c0);
            c1 = w1.fma(FloatVector.fromArray(F, x, x1 + i + STEP), c1);
        }
        if (i <= cols - STEP) {
            FloatVector w0 = load(format, w, base + i * 2L);
            a0 = w0.fma(FloatVector.fromArray(F, x, x0 + i), a0);
            a1 = w0.fma(FloatVector.fromArray(F, x, x1 + i), a1);
            i += STEP;
        }
        out[o0] = finish(format, LaneSum.sum(a0.add(c0)), w, base, i, cols, x, x0);
        out[o0 + outStride] = finish(format, LaneSum.sum(a1.add(c1)), w, base, i, cols, x, x1);
    }

    /** 4 weight rows from byte {@code base} × input rows {@code x0} and {@code x0 + xStride}. */
    private static void block4x2(Format format, MemorySegment w, long base, long rowBytes, int cols,
                                 float[] x, int x0, int xStride, float[] out, int o0, int outStride, float[] lanes) {
        long r0 = base, r1 = r0 + rowBytes, r2 = r1 + rowBytes, r3 = r2 + rowBytes;
        int x1 = x0 + xStride;
        // aRB: even chunks, cRB: odd chunks, of weight row R against input row B.
        FloatVector a00 = FloatVector.zero(F), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
        FloatVector c00 = a00, c01 = a00, c10 = a00, c11 = a00, c20 = a00, c21 = a00, c30 = a00, c31 = a00;
        int i = 0;
        for (; i <= cols - 2 * STEP; i += 2 * STEP) {
            long off = i * 2L;
            FloatVector w0 = load(format, w, r0 + off), w1 = load(format, w, r1 + off);
            FloatVector w2 = load(format, w, r2 + off), w3 = load(format, w, r3 + off);
            FloatVector v = FloatVector.fromArray(F, x, x0 + i);
            a00 = w0.fma(v, a00);
            a10 = w1.fma(v, a10);
            a20 = w2.fma(v, a20);
            a30 = w3.fma(v, a30);
            v = FloatVector.fromArray(F, x, x1 + i);
            a01 = w0.fma(v, a01);
            a11 = w1.fma(v, a11);
            a21 = w2.fma(v, a21);
            a31 = w3.fma(v, a31);
            off += STEP * 2L;
            w0 = load(format, w, r0 + off);
            w1 = load(format, w, r1 + off);
            w2 = load(format, w, r2 + off);
            w3 = load(format, w, r3 + off);
            v = FloatVector.fromArray(F, x, x0 + i + STEP);
            c00 = w0.fma(v, c00);
            c10 = w1.fma(v, c10);
            c20 = w2.fma(v, c20);
            c30 = w3.fma(v, c30);
            v = FloatVector.fromArray(F, x, x1 + i + STEP);
            c01 = w0.fma(v, c01);
            c11 = w1.fma(v, c11);
            c21 = w2.fma(v, c21);
            c31 = w3.fma(v, c31);
        }
        if (i <= cols - STEP) {
            long off = i * 2L;
            FloatVector w0 = load(format, w, r0 + off), w1 = load(format, w, r1 + off);
            FloatVector w2 = load(format, w, r2 + off), w3 = load(format, w, r3 + off);
            FloatVector v = FloatVector.fromArray(F, x, x0 + i);
            a00 = w0.fma(v, a00);
            a10 = w1.fma(v, a10);
            a20 = w2.fma(v, a20);
            a30 = w3.fma(v, a30);
            v = FloatVector.fromArray(F, x, x1 + i);
            a01 = w0.fma(v, a01);
            a11 = w1.fma(v, a11);
            a21 = w2.fma(v, a21);
            a31 = w3.fma(v, a31);
            i += STEP;
        }
        // Reduced through memory (finishBlock): LaneSum.sum(FloatVector) would not be inlined in a method this size.
        a00.add(c00).intoArray(lanes, 0);
        a10.add(c10).intoArray(lanes, STEP);
        a20.add(c20).intoArray(lanes, 2 * STEP);
        a30.add(c30).intoArray(lanes, 3 * STEP);
        a01.add(c01).intoArray(lanes, 4 * STEP);
        a11.add(c11).intoArray(lanes, 5 * STEP);
        a21.add(c21).intoArray(lanes, 6 * STEP);
        a31.add(c31).intoArray(lanes, 7 * STEP);
        finishBlock(format, lanes, w, r0, rowBytes, i, cols, x, x0, xStride, out, o0, outStride);
    }

    /**
     * {@link #block4x2} one chunk per iteration, for IEEE half weights: their longer widening pushes the unrolled
     * loop over the JIT's inlining node budget (loads stop being inlined, every vector is boxed: 5× slower),
     * while bfloat16 runs 20 % faster unrolled.
     */
    private static void block4x2Compact(Format format, MemorySegment w, long base, long rowBytes, int cols,
                                 float[] x, int x0, int xStride, float[] out, int o0, int outStride, float[] lanes) {
        long r0 = base, r1 = r0 + rowBytes, r2 = r1 + rowBytes, r3 = r2 + rowBytes;
        int x1 = x0 + xStride;
        // aRB accumulates the chunk at hand for weight row R and input row B, cRB the other parity; swapping the
        // two sets after every chunk sends even chunks to one set and odd ones to the other, as in dot. One chunk
        // per iteration keeps the loop small enough for the JIT to inline every vector operation.
        FloatVector a00 = FloatVector.zero(F), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
        FloatVector c00 = a00, c01 = a00, c10 = a00, c11 = a00, c20 = a00, c21 = a00, c30 = a00, c31 = a00;
        int i = 0;
        for (; i <= cols - STEP; i += STEP) {
            long off = i * 2L;
            FloatVector w0 = load(format, w, r0 + off), w1 = load(format, w, r1 + off);
            FloatVector w2 = load(format, w, r2 + off), w3 = load(format, w, r3 + off);
            FloatVector v = FloatVector.fromArray(F, x, x0 + i);
            FloatVector n00 = w0.fma(v, a00), n10 = w1.fma(v, a10), n20 = w2.fma(v, a20), n30 = w3.fma(v, a30);
            v = FloatVector.fromArray(F, x, x1 + i);
            FloatVector n01 = w0.fma(v, a01), n11 = w1.fma(v, a11), n21 = w2.fma(v, a21), n31 = w3.fma(v, a31);
            a00 = c00;
            a10 = c10;
            a20 = c20;
            a30 = c30;
            a01 = c01;
            a11 = c11;
            a21 = c21;
            a31 = c31;
            c00 = n00;
            c10 = n10;
            c20 = n20;
            c30 = n30;
            c01 = n01;
            c11 = n11;
            c21 = n21;
            c31 = n31;
        }
        // One set holds the even chunks and the other the odd ones, which is which depending on the chunk count;
        // their sum is the same either way (float addition commutes exactly).
        // Reduced through memory (finishBlock): LaneSum.sum(FloatVector) would not be inlined in a method this size.
        a00.add(c00).intoArray(lanes, 0);
        a10.add(c10).intoArray(lanes, STEP);
        a20.add(c20).intoArray(lanes, 2 * STEP);
        a30.add(c30).intoArray(lanes, 3 * STEP);
        a01.add(c01).intoArray(lanes, 4 * STEP);
        a11.add(c11).intoArray(lanes, 5 * STEP);
        a21.add(c21).intoArray(lanes, 6 * STEP);
        a31.add(c31).intoArray(lanes, 7 * STEP);
        finishBlock(format, lanes, w, r0, rowBytes, i, cols, x, x0, xStride, out, o0, outStride);
    }

    /**
     * Outputs of a 4×2 block from its 8 accumulators stored in {@code lanes} (weight row R, input B at
     * {@code (4B + R)·STEP}): each lane-summed, then the leftover columns {@code [from, cols)} added.
     */
    private static void finishBlock(Format format, float[] lanes, MemorySegment w, long r0, long rowBytes, int from, int cols,
                                    float[] x, int x0, int xStride, float[] out, int o0, int outStride) {
        for (int b = 0; b < 2; b++) {
            for (int r = 0; r < ROW_BLOCK; r++) {
                float sum = LaneSum.sum(FloatVector.fromArray(F, lanes, (b * ROW_BLOCK + r) * STEP));
                out[o0 + b * outStride + r] = finish(format, sum, w, r0 + r * rowBytes, from, cols, x, x0 + b * xStride);
            }
        }
    }

    /** Adds the columns {@code [from, cols)} that do not fill a vector, in order. */
    private static float finish(Format format, float sum, MemorySegment w, long base, int from, int cols, float[] x, int xOff) {
        for (int i = from; i < cols; i++) sum += toFloat(format, w.get(Bf16Matrix.LE_SHORT, base + i * 2L)) * x[xOff + i];
        return sum;
    }
}
