package dev.nemotron4j.train.model.fast;

import dev.nemotron4j.engine.kernels.Exponential;
import dev.nemotron4j.engine.kernels.VectorWidth;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The element-wise SiLU pieces of the Mamba mixer, forward and backward, over runs of floats. The sigmoid is
 * {@code 1/(1+e)} or {@code e/(1+e)} with {@code e = exp(−|v|)} from {@link Exponential#expNonPositive} (exact
 * operations only), so each vector kernel and its scalar twin ({@code *Scalar}, which the kernels become when
 * {@link VectorWidth#SCALAR}) give the same bits.
 */
final class Activations {
    private Activations() {}

    private static final VectorSpecies<Float> F = VectorWidth.FLOAT;
    private static final int L = F.length();

    static float sigmoid(float v) {
        float e = Exponential.expNonPositive(-Math.abs(v));
        return (v >= 0 ? 1f : e) / (1f + e);
    }

    static FloatVector sigmoid(FloatVector v) {
        FloatVector e = Exponential.expNonPositive(v.abs().neg());
        VectorMask<Float> positive = v.compare(VectorOperators.GE, 0f);
        return e.blend(1f, positive).div(e.add(1f));
    }

    /** {@code dst = silu(src)}: {@code v·σ(v)}. */
    static void silu(float[] src, int sOff, float[] dst, int dOff, int n) {
        int i = 0;
        if (!VectorWidth.SCALAR) {
            for (; i <= n - L; i += L) {
                FloatVector v = FloatVector.fromArray(F, src, sOff + i);
                v.mul(sigmoid(v)).intoArray(dst, dOff + i);
            }
        }
        siluScalar(src, sOff + i, dst, dOff + i, n - i);
    }

    static void siluScalar(float[] src, int sOff, float[] dst, int dOff, int n) {
        for (int i = 0; i < n; i++) {
            float v = src[sOff + i];
            dst[dOff + i] = v * sigmoid(v);
        }
    }

    /** {@code dst = y ⊙ silu(z)}: the Mamba output gate. */
    static void gate(float[] y, int yOff, float[] z, int zOff, float[] dst, int dOff, int n) {
        int i = 0;
        if (!VectorWidth.SCALAR) {
            for (; i <= n - L; i += L) {
                FloatVector zv = FloatVector.fromArray(F, z, zOff + i);
                FloatVector.fromArray(F, y, yOff + i).mul(zv.mul(sigmoid(zv))).intoArray(dst, dOff + i);
            }
        }
        gateScalar(y, yOff + i, z, zOff + i, dst, dOff + i, n - i);
    }

    static void gateScalar(float[] y, int yOff, float[] z, int zOff, float[] dst, int dOff, int n) {
        for (int i = 0; i < n; i++) {
            float zv = z[zOff + i];
            dst[dOff + i] = y[yOff + i] * (zv * sigmoid(zv));
        }
    }

    /**
     * Backward of {@link #gate}: {@code dy = g ⊙ silu(z)}, {@code dz = g ⊙ y ⊙ silu'(z)} with
     * {@code silu'(v) = σ(v)·(1 + v·(1 − σ(v)))}.
     */
    static void gateBackward(float[] g, int gOff, float[] y, int yOff, float[] z, int zOff, float[] dy, int dyOff,
                             float[] dz, int dzOff, int n) {
        int i = 0;
        if (!VectorWidth.SCALAR) {
            for (; i <= n - L; i += L) {
                FloatVector zv = FloatVector.fromArray(F, z, zOff + i), gv = FloatVector.fromArray(F, g, gOff + i);
                FloatVector s = sigmoid(zv);
                gv.mul(zv.mul(s)).intoArray(dy, dyOff + i);
                FloatVector d = s.mul(zv.mul(s.neg().add(1f)).add(1f));
                gv.mul(FloatVector.fromArray(F, y, yOff + i)).mul(d).intoArray(dz, dzOff + i);
            }
        }
        gateBackwardScalar(g, gOff + i, y, yOff + i, z, zOff + i, dy, dyOff + i, dz, dzOff + i, n - i);
    }

    static void gateBackwardScalar(float[] g, int gOff, float[] y, int yOff, float[] z, int zOff, float[] dy, int dyOff,
                                   float[] dz, int dzOff, int n) {
        for (int i = 0; i < n; i++) {
            float zv = z[zOff + i], gv = g[gOff + i], s = sigmoid(zv);
            dy[dyOff + i] = gv * (zv * s);
            float d = s * (zv * (1f - s) + 1f);
            dz[dzOff + i] = gv * y[yOff + i] * d;
        }
    }

    /** {@code dst = g ⊙ silu'(pre)}: the backward of {@link #silu} given its input. */
    static void siluBackward(float[] g, int gOff, float[] pre, int pOff, float[] dst, int dOff, int n) {
        int i = 0;
        if (!VectorWidth.SCALAR) {
            for (; i <= n - L; i += L) {
                FloatVector v = FloatVector.fromArray(F, pre, pOff + i);
                FloatVector s = sigmoid(v);
                FloatVector d = s.mul(v.mul(s.neg().add(1f)).add(1f));
                FloatVector.fromArray(F, g, gOff + i).mul(d).intoArray(dst, dOff + i);
            }
        }
        siluBackwardScalar(g, gOff + i, pre, pOff + i, dst, dOff + i, n - i);
    }

    static void siluBackwardScalar(float[] g, int gOff, float[] pre, int pOff, float[] dst, int dOff, int n) {
        for (int i = 0; i < n; i++) {
            float v = pre[pOff + i], s = sigmoid(v);
            dst[dOff + i] = g[gOff + i] * (s * (v * (1f - s) + 1f));
        }
    }
}
