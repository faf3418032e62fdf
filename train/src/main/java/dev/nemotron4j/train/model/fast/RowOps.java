package dev.nemotron4j.train.model.fast;

import dev.nemotron4j.engine.kernels.VectorWidth;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Element-wise vector loops over runs of floats (residual adds, weighted sums, squared ReLU and its backward), each
 * with a scalar twin ({@code *Scalar}) made of the same exactly rounded operations, so both give the same bits; the
 * vector forms become their twins when {@link VectorWidth#SCALAR}.
 */
final class RowOps {
    private RowOps() {}

    private static final VectorSpecies<Float> F = VectorWidth.FLOAT;
    private static final int L = F.length();

    /** {@code y += x}. */
    static void add(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        if (!VectorWidth.SCALAR) {
            for (; i <= n - L; i += L) {
                FloatVector.fromArray(F, y, yOff + i).add(FloatVector.fromArray(F, x, xOff + i)).intoArray(y, yOff + i);
            }
        }
        addScalar(x, xOff + i, y, yOff + i, n - i);
    }

    static void addScalar(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) y[yOff + i] += x[xOff + i];
    }

    /** {@code y = fma(a, x, y)}. */
    static void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        if (!VectorWidth.SCALAR) {
            FloatVector av = FloatVector.broadcast(F, a);
            for (; i <= n - L; i += L) {
                FloatVector.fromArray(F, x, xOff + i).fma(av, FloatVector.fromArray(F, y, yOff + i)).intoArray(y, yOff + i);
            }
        }
        axpyScalar(a, x, xOff + i, y, yOff + i, n - i);
    }

    static void axpyScalar(float a, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) y[yOff + i] = Math.fma(x[xOff + i], a, y[yOff + i]);
    }

    /** {@code y = a·x}. */
    static void scale(float a, float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        if (!VectorWidth.SCALAR) {
            for (; i <= n - L; i += L) FloatVector.fromArray(F, x, xOff + i).mul(a).intoArray(y, yOff + i);
        }
        scaleScalar(a, x, xOff + i, y, yOff + i, n - i);
    }

    static void scaleScalar(float a, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) y[yOff + i] = x[xOff + i] * a;
    }

    /** {@code act = relu(pre)²}. */
    static void reluSquared(float[] pre, int pOff, float[] act, int aOff, int n) {
        int i = 0;
        if (!VectorWidth.SCALAR) {
            for (; i <= n - L; i += L) {
                FloatVector r = FloatVector.fromArray(F, pre, pOff + i).max(0f);
                r.mul(r).intoArray(act, aOff + i);
            }
        }
        reluSquaredScalar(pre, pOff + i, act, aOff + i, n - i);
    }

    static void reluSquaredScalar(float[] pre, int pOff, float[] act, int aOff, int n) {
        for (int i = 0; i < n; i++) {
            float r = Math.max(pre[pOff + i], 0f);
            act[aOff + i] = r * r;
        }
    }

    /** {@code g = g · 2·relu(pre)}: the backward of {@link #reluSquared}, in place. */
    static void reluSquaredBackward(float[] pre, int pOff, float[] g, int gOff, int n) {
        int i = 0;
        if (!VectorWidth.SCALAR) {
            for (; i <= n - L; i += L) {
                FloatVector r = FloatVector.fromArray(F, pre, pOff + i).max(0f);
                FloatVector.fromArray(F, g, gOff + i).mul(r.add(r)).intoArray(g, gOff + i);
            }
        }
        reluSquaredBackwardScalar(pre, pOff + i, g, gOff + i, n - i);
    }

    static void reluSquaredBackwardScalar(float[] pre, int pOff, float[] g, int gOff, int n) {
        for (int i = 0; i < n; i++) {
            float r = Math.max(pre[pOff + i], 0f);
            g[gOff + i] = g[gOff + i] * (r + r);
        }
    }
}
