package dev.nemotron4j.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Two weight rows dequantized once into float scratch against a batch of inputs: the batched kernel of Q8_0 on
 * 16-lane vectors for batches past {@link Q8_0Matrix#DECODED_FROM} (prefill).
 *
 * <p>The order is the one {@link Q8Paired#dotSplit} uses: per (row, input), the 16-lane halves of the 32-element
 * blocks go alternately into two accumulators, which are added and summed by {@link LaneSum}; the inputs are split
 * to match ({@link Q8Paired#split}), so every output is bit-identical to {@link Q8_0Matrix#dot}. Plain float rows,
 * so any type whose single-row kernel keeps that order could share it.
 */
final class DequantizedRows {
    private DequantizedRows() {}

    /** 16 lanes wherever this is used ({@link Q8Paired#ENABLED}): the kernels step through halves of 32-element blocks. */
    static final VectorSpecies<Float> F = VectorWidth.FLOAT;

    /**
     * Rows {@code w[0 .. cols)} and {@code w[cols .. 2·cols)} against {@code batch} inputs {@code xStride} apart:
     * four at a time, then two, then one. Row r, input b into {@code out[outOff + r + b·outStride]}.
     */
    static void dotRowPair(float[] w, int cols, float[] x, int xOff, int xStride, int batch, float[] out, int outOff, int outStride) {
        int b = 0;
        for (; b + 4 <= batch; b += 4) dot2x4(w, cols, x, xOff + b * xStride, xStride, out, outOff + b * outStride, outStride);
        if (b + 2 <= batch) {
            dot2x2(w, cols, x, xOff + b * xStride, xStride, out, outOff + b * outStride, outStride);
            b += 2;
        }
        if (b < batch) dot2x1(w, cols, x, xOff + b * xStride, out, outOff + b * outStride);
    }

    /**
     * Two dequantized rows ({@code w[0 .. cols)} and {@code w[cols .. 2·cols)}) against four inputs: row r, input b
     * into {@code out[outOff + r + b·outStride]}. Each weight vector feeds four FMAs and each input vector two.
     */
    static void dot2x4(float[] w, int cols, float[] x, int xOff, int xStride, float[] out, int outOff, int outStride) {
        // aB/eB: row 0 against input B, even and odd halves; bB/fB: the same for row 1.
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, e0 = a0, e1 = a0, e2 = a0, e3 = a0;
        FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0, f0 = a0, f1 = a0, f2 = a0, f3 = a0;
        int x1 = xOff + xStride, x2 = x1 + xStride, x3 = x2 + xStride;
        for (int c = 0; c < cols; c += 32) {
            FloatVector p = FloatVector.fromArray(F, w, c), q = FloatVector.fromArray(F, w, cols + c);
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
            p = FloatVector.fromArray(F, w, c + 16);
            q = FloatVector.fromArray(F, w, cols + c + 16);
            v = FloatVector.fromArray(F, x, xOff + c + 16);
            e0 = p.fma(v, e0);
            f0 = q.fma(v, f0);
            v = FloatVector.fromArray(F, x, x1 + c + 16);
            e1 = p.fma(v, e1);
            f1 = q.fma(v, f1);
            v = FloatVector.fromArray(F, x, x2 + c + 16);
            e2 = p.fma(v, e2);
            f2 = q.fma(v, f2);
            v = FloatVector.fromArray(F, x, x3 + c + 16);
            e3 = p.fma(v, e3);
            f3 = q.fma(v, f3);
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

    /** {@link #dot2x4} for two inputs: row r, input b into {@code out[outOff + r + b·outStride]}. */
    static void dot2x2(float[] w, int cols, float[] x, int xOff, int xStride, float[] out, int outOff, int outStride) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, e0 = a0, e1 = a0, b0 = a0, b1 = a0, f0 = a0, f1 = a0;
        int x1 = xOff + xStride;
        for (int c = 0; c < cols; c += 32) {
            FloatVector p = FloatVector.fromArray(F, w, c), q = FloatVector.fromArray(F, w, cols + c);
            FloatVector v = FloatVector.fromArray(F, x, xOff + c), u = FloatVector.fromArray(F, x, x1 + c);
            a0 = p.fma(v, a0);
            b0 = q.fma(v, b0);
            a1 = p.fma(u, a1);
            b1 = q.fma(u, b1);
            p = FloatVector.fromArray(F, w, c + 16);
            q = FloatVector.fromArray(F, w, cols + c + 16);
            v = FloatVector.fromArray(F, x, xOff + c + 16);
            u = FloatVector.fromArray(F, x, x1 + c + 16);
            e0 = p.fma(v, e0);
            f0 = q.fma(v, f0);
            e1 = p.fma(u, e1);
            f1 = q.fma(u, f1);
        }
        out[outOff] = LaneSum.sum(a0.add(e0));
        out[outOff + 1] = LaneSum.sum(b0.add(f0));
        out[outOff + outStride] = LaneSum.sum(a1.add(e1));
        out[outOff + outStride + 1] = LaneSum.sum(b1.add(f1));
    }

    /** {@link #dot2x4} for one input: row r into {@code out[outOff + r]}. */
    static void dot2x1(float[] w, int cols, float[] x, int xOff, float[] out, int outOff) {
        FloatVector a = FloatVector.zero(F), e = a, b = a, f = a;
        for (int c = 0; c < cols; c += 32) {
            FloatVector v = FloatVector.fromArray(F, x, xOff + c), u = FloatVector.fromArray(F, x, xOff + c + 16);
            a = FloatVector.fromArray(F, w, c).fma(v, a);
            b = FloatVector.fromArray(F, w, cols + c).fma(v, b);
            e = FloatVector.fromArray(F, w, c + 16).fma(u, e);
            f = FloatVector.fromArray(F, w, cols + c + 16).fma(u, f);
        }
        out[outOff] = LaneSum.sum(a.add(e));
        out[outOff + 1] = LaneSum.sum(b.add(f));
    }
}
