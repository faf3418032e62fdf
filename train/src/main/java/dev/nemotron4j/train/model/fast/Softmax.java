package dev.nemotron4j.train.model.fast;

import dev.nemotron4j.engine.kernels.Exponential;
import dev.nemotron4j.engine.kernels.VectorWidth;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The pieces of a softmax row: the maximum and the shifted exponentials with their sum. Exponentials come from
 * {@link Exponential#expNonPositive} (exact operations, so the vector loop and the scalar twin agree bit for bit) and
 * are summed in order in double, so the sum does not depend on the vector width either.
 */
final class Softmax {
    private Softmax() {}

    private static final VectorSpecies<Float> F = VectorWidth.FLOAT;
    private static final int L = F.length();

    /** {@code max_i p[off + i]·scale} over {@code n > 0} elements (a maximum is exact in any order). */
    static float max(float[] p, int off, int n, float scale) {
        int i = 0;
        float max = Float.NEGATIVE_INFINITY;
        if (!VectorWidth.SCALAR && n >= L) {
            FloatVector m = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
            for (; i <= n - L; i += L) m = m.max(FloatVector.fromArray(F, p, off + i).mul(scale));
            max = m.reduceLanes(VectorOperators.MAX);
        }
        for (; i < n; i++) max = Math.max(max, p[off + i] * scale);
        return max;
    }

    /** {@code p[off + i] = exp(p[off + i]·scale − max)} for {@code i < n}; returns their sum (double, in order). */
    static double expShifted(float[] p, int off, int n, float scale, float max) {
        int i = 0;
        if (!VectorWidth.SCALAR) {
            for (; i <= n - L; i += L) {
                Exponential.expNonPositive(FloatVector.fromArray(F, p, off + i).mul(scale).sub(max)).intoArray(p, off + i);
            }
        }
        expShiftedScalar(p, off + i, n - i, scale, max);
        double z = 0;
        for (int s = 0; s < n; s++) z += p[off + s];
        return z;
    }

    static void expShiftedScalar(float[] p, int off, int n, float scale, float max) {
        for (int i = 0; i < n; i++) p[off + i] = Exponential.expNonPositive(p[off + i] * scale - max);
    }
}
