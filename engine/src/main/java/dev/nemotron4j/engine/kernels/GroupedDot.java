package dev.nemotron4j.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dot products summed in groups of 32 elements: the one accumulation order of the super-block kernels
 * ({@link SuperBlockMatrix}), here on weight rows already decoded to floats.
 *
 * <p>Per (row, input): group g (elements {@code 32g .. 32g+32}) gives a partial vector {@code p_g}, its first
 * {@link VectorWidth#LANES}-float vector of weights times x and the others fused-multiply-added onto it in order;
 * even groups' partials are added into one accumulator and odd groups' into another, each in increasing order; the
 * two accumulators are added and summed by {@link LaneSum}. The kernels that decode codes in registers produce the
 * same weights in the same order, so every path gives the same bits. (Adding one partial per group keeps the
 * accumulators' dependency chains short: FMAs straight into two accumulators wait on each other's latency, which
 * measured a third slower.)
 *
 * <p>Rows must be whole pairs of groups (64 elements; super-block rows are multiples of 256).
 */
final class GroupedDot {
    private GroupedDot() {}

    static final VectorSpecies<Float> F = VectorWidth.FLOAT;
    static final int L = VectorWidth.LANES;
    /** Elements per group. */
    static final int GROUP = 32;
    /** Whether batches take weight rows in pairs ({@link #dot2x4}: 16 accumulators want 32 vector registers, as on 16-lane machines). */
    static final boolean ROW_PAIRS = L == 16;

    /** Row {@code w[wOff .. wOff+n)} against {@code x[xOff ..]}: the reference order. */
    static float dot(float[] w, int wOff, float[] x, int xOff, int n) {
        FloatVector acc0 = FloatVector.zero(F), acc1 = acc0;
        for (int g = 0; g < n; g += 2 * GROUP) {
            acc0 = acc0.add(partial(w, wOff + g, x, xOff + g));
            acc1 = acc1.add(partial(w, wOff + g + GROUP, x, xOff + g + GROUP));
        }
        return LaneSum.sum(acc0.add(acc1));
    }

    /** The partial vector of the group at {@code w[wo ..]}, {@code x[xo ..]}. */
    static FloatVector partial(float[] w, int wo, float[] x, int xo) {
        FloatVector p = FloatVector.fromArray(F, w, wo).mul(FloatVector.fromArray(F, x, xo));
        for (int v = L; v < GROUP; v += L) p = FloatVector.fromArray(F, w, wo + v).fma(FloatVector.fromArray(F, x, xo + v), p);
        return p;
    }

    /** One row against {@code batch} inputs {@code xStride} apart: four at a time ({@link #dot1x4}), then one by one. */
    static void dotRows(float[] w, int wOff, int n, float[] x, int xOff, int xStride, int batch, float[] out, int outOff, int outStride) {
        int b = 0;
        for (; b + 4 <= batch; b += 4) dot1x4(w, wOff, n, x, xOff + b * xStride, xStride, out, outOff + b * outStride, outStride);
        for (; b < batch; b++) out[outOff + b * outStride] = dot(w, wOff, x, xOff + b * xStride, n);
    }

    /**
     * Rows {@code w[0 .. n)} and {@code w[n .. 2n)} against {@code batch} inputs: four at a time ({@link #dot2x4}, 16-lane
     * vectors only), then one by one; row r, input b into {@code out[outOff + r + b·outStride]}.
     */
    static void dotRowPair(float[] w, int n, float[] x, int xOff, int xStride, int batch, float[] out, int outOff, int outStride) {
        int b = 0;
        for (; b + 4 <= batch; b += 4) dot2x4(w, n, x, xOff + b * xStride, xStride, out, outOff + b * outStride, outStride);
        for (; b < batch; b++) {
            out[outOff + b * outStride] = dot(w, 0, x, xOff + b * xStride, n);
            out[outOff + 1 + b * outStride] = dot(w, n, x, xOff + b * xStride, n);
        }
    }

    /** One row against four inputs, each weight vector loaded once for all four: {@code out[outOff + b·outStride]}. */
    static void dot1x4(float[] w, int wOff, int n, float[] x, int xOff, int xStride, float[] out, int outOff, int outStride) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, e0 = a0, e1 = a0, e2 = a0, e3 = a0;
        int x1 = xOff + xStride, x2 = x1 + xStride, x3 = x2 + xStride;
        for (int g = 0; g < n; g += GROUP) {
            int wo = wOff + g;
            FloatVector v = FloatVector.fromArray(F, w, wo);
            FloatVector p0 = v.mul(FloatVector.fromArray(F, x, xOff + g)), p1 = v.mul(FloatVector.fromArray(F, x, x1 + g));
            FloatVector p2 = v.mul(FloatVector.fromArray(F, x, x2 + g)), p3 = v.mul(FloatVector.fromArray(F, x, x3 + g));
            for (int k = L; k < GROUP; k += L) {
                v = FloatVector.fromArray(F, w, wo + k);
                p0 = v.fma(FloatVector.fromArray(F, x, xOff + g + k), p0);
                p1 = v.fma(FloatVector.fromArray(F, x, x1 + g + k), p1);
                p2 = v.fma(FloatVector.fromArray(F, x, x2 + g + k), p2);
                p3 = v.fma(FloatVector.fromArray(F, x, x3 + g + k), p3);
            }
            FloatVector n0 = a0.add(p0), n1 = a1.add(p1), n2 = a2.add(p2), n3 = a3.add(p3);
            // even and odd groups' accumulators swap roles every group (no branch on the parity)
            a0 = e0;
            a1 = e1;
            a2 = e2;
            a3 = e3;
            e0 = n0;
            e1 = n1;
            e2 = n2;
            e3 = n3;
        }
        // Reduced through memory: LaneSum.sum(FloatVector) is not inlined into a method this size and would box.
        float[] lanes = LaneSum.lanes();
        a0.add(e0).intoArray(lanes, 0);
        a1.add(e1).intoArray(lanes, L);
        a2.add(e2).intoArray(lanes, 2 * L);
        a3.add(e3).intoArray(lanes, 3 * L);
        LaneSum.sumsInto(lanes, 4, out, outOff, outStride);
    }

    /**
     * Two rows ({@code w[0 .. n)}, {@code w[n .. 2n)}) against four inputs with 16-lane vectors (a group is two
     * vectors): each input vector feeds both rows. Row r, input b into {@code out[outOff + r + b·outStride]}.
     */
    static void dot2x4(float[] w, int n, float[] x, int xOff, int xStride, float[] out, int outOff, int outStride) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, e0 = a0, e1 = a0, e2 = a0, e3 = a0; // row 0
        FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0, f0 = a0, f1 = a0, f2 = a0, f3 = a0;                 // row 1
        int x1 = xOff + xStride, x2 = x1 + xStride, x3 = x2 + xStride;
        for (int g = 0; g < n; g += GROUP) {
            FloatVector w0 = FloatVector.fromArray(F, w, g), w1 = FloatVector.fromArray(F, w, g + 16);
            FloatVector u0 = FloatVector.fromArray(F, w, n + g), u1 = FloatVector.fromArray(F, w, n + g + 16);
            FloatVector xl = FloatVector.fromArray(F, x, xOff + g), xh = FloatVector.fromArray(F, x, xOff + g + 16);
            FloatVector n0 = a0.add(w1.fma(xh, w0.mul(xl))), m0 = b0.add(u1.fma(xh, u0.mul(xl)));
            xl = FloatVector.fromArray(F, x, x1 + g);
            xh = FloatVector.fromArray(F, x, x1 + g + 16);
            FloatVector n1 = a1.add(w1.fma(xh, w0.mul(xl))), m1 = b1.add(u1.fma(xh, u0.mul(xl)));
            xl = FloatVector.fromArray(F, x, x2 + g);
            xh = FloatVector.fromArray(F, x, x2 + g + 16);
            FloatVector n2 = a2.add(w1.fma(xh, w0.mul(xl))), m2 = b2.add(u1.fma(xh, u0.mul(xl)));
            xl = FloatVector.fromArray(F, x, x3 + g);
            xh = FloatVector.fromArray(F, x, x3 + g + 16);
            FloatVector n3 = a3.add(w1.fma(xh, w0.mul(xl))), m3 = b3.add(u1.fma(xh, u0.mul(xl)));
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
        float[] lanes = LaneSum.lanes();
        a0.add(e0).intoArray(lanes, 0);
        a1.add(e1).intoArray(lanes, L);
        a2.add(e2).intoArray(lanes, 2 * L);
        a3.add(e3).intoArray(lanes, 3 * L);
        b0.add(f0).intoArray(lanes, 4 * L);
        b1.add(f1).intoArray(lanes, 5 * L);
        b2.add(f2).intoArray(lanes, 6 * L);
        b3.add(f3).intoArray(lanes, 7 * L);
        LaneSum.sumsInto(lanes, 4, out, outOff, outStride);
        LaneSum.sumsInto(lanes, 4, 4, out, outOff + 1, outStride);
    }
}
