package dev.nemotron4j.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Dot products of float arrays: a vectorised kernel with a fixed reduction order and its scalar twin. */
final class FloatDot {
    private FloatDot() {}

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    static float dot(float[] w, int wOff, float[] x, int xOff, int n) {
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

    static float dotScalar(float[] w, int wOff, float[] x, int xOff, int n) {
        float sum = 0;
        for (int i = 0; i < n; i++) sum += w[wOff + i] * x[xOff + i];
        return sum;
    }
}
