package dev.nemotron4j.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dot products of float arrays: a vectorised kernel with a fixed reduction order and its scalar twin, which
 * {@link #dot} and {@link #dotRows} become when {@link VectorWidth#SCALAR}.
 */
final class FloatDot {
    private FloatDot() {}

    private static final VectorSpecies<Float> F = VectorWidth.FLOAT;

    static float dot(float[] w, int wOff, float[] x, int xOff, int n) {
        if (VectorWidth.SCALAR) return dotScalar(w, wOff, x, xOff, n);
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F);
        int step = F.length();
        int i = 0;
        for (; i <= n - 2 * step; i += 2 * step) {
            acc0 = FloatVector.fromArray(F, w, wOff + i).fma(FloatVector.fromArray(F, x, xOff + i), acc0);
            acc1 = FloatVector.fromArray(F, w, wOff + i + step).fma(FloatVector.fromArray(F, x, xOff + i + step), acc1);
        }
        for (; i <= n - step; i += step) {
            acc0 = FloatVector.fromArray(F, w, wOff + i).fma(FloatVector.fromArray(F, x, xOff + i), acc0);
        }
        float sum = LaneSum.sum(acc0.add(acc1));
        for (; i < n; i++) sum += w[wOff + i] * x[xOff + i];
        return sum;
    }

    /**
     * {@link #dot} of one weight row {@code w} against {@code batch} input rows, four at a time sharing each
     * load of {@code w}; each row sees exactly the operations of {@link #dot}, so results are bit-identical.
     */
    static void dotRows(float[] w, int wOff, float[] x, int xOff, int xStride, int batch, float[] out, int outOff, int outStride, int n) {
        int b = 0;
        int step = F.length();
        for (; b + 4 <= batch && !VectorWidth.SCALAR; b += 4) {
            int x0 = xOff + b * xStride, x1 = x0 + xStride, x2 = x1 + xStride, x3 = x2 + xStride;
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, c0 = a0, c1 = a0, c2 = a0, c3 = a0;
            int i = 0;
            for (; i <= n - 2 * step; i += 2 * step) {
                FloatVector w0 = FloatVector.fromArray(F, w, wOff + i), w1 = FloatVector.fromArray(F, w, wOff + i + step);
                a0 = w0.fma(FloatVector.fromArray(F, x, x0 + i), a0);
                c0 = w1.fma(FloatVector.fromArray(F, x, x0 + i + step), c0);
                a1 = w0.fma(FloatVector.fromArray(F, x, x1 + i), a1);
                c1 = w1.fma(FloatVector.fromArray(F, x, x1 + i + step), c1);
                a2 = w0.fma(FloatVector.fromArray(F, x, x2 + i), a2);
                c2 = w1.fma(FloatVector.fromArray(F, x, x2 + i + step), c2);
                a3 = w0.fma(FloatVector.fromArray(F, x, x3 + i), a3);
                c3 = w1.fma(FloatVector.fromArray(F, x, x3 + i + step), c3);
            }
            for (; i <= n - step; i += step) {
                FloatVector w0 = FloatVector.fromArray(F, w, wOff + i);
                a0 = w0.fma(FloatVector.fromArray(F, x, x0 + i), a0);
                a1 = w0.fma(FloatVector.fromArray(F, x, x1 + i), a1);
                a2 = w0.fma(FloatVector.fromArray(F, x, x2 + i), a2);
                a3 = w0.fma(FloatVector.fromArray(F, x, x3 + i), a3);
            }
            float s0 = LaneSum.sum(a0.add(c0)), s1 = LaneSum.sum(a1.add(c1)), s2 = LaneSum.sum(a2.add(c2)), s3 = LaneSum.sum(a3.add(c3));
            for (; i < n; i++) {
                float wi = w[wOff + i];
                s0 += wi * x[x0 + i];
                s1 += wi * x[x1 + i];
                s2 += wi * x[x2 + i];
                s3 += wi * x[x3 + i];
            }
            out[outOff + b * outStride] = s0;
            out[outOff + (b + 1) * outStride] = s1;
            out[outOff + (b + 2) * outStride] = s2;
            out[outOff + (b + 3) * outStride] = s3;
        }
        for (; b < batch; b++) out[outOff + b * outStride] = dot(w, wOff, x, xOff + b * xStride, n);
    }

    static float dotScalar(float[] w, int wOff, float[] x, int xOff, int n) {
        float sum = 0;
        for (int i = 0; i < n; i++) sum += w[wOff + i] * x[xOff + i];
        return sum;
    }
}
