package dev.nemotron4j.train.model.fast;

import dev.nemotron4j.engine.kernels.VectorWidth;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Horizontal sum of a float vector in a fixed pairwise order (upper half onto the lower, then the upper quarter, …),
 * the same in every JIT tier, unlike {@code reduceLanes(ADD)} (the pattern of the engine's {@code LaneSum}). Plus the
 * dot products and sums of squares the training layers reduce with it, and their scalar twins.
 */
final class FixedLaneSum {
    private FixedLaneSum() {}

    private static final VectorSpecies<Float> F = VectorWidth.FLOAT;
    private static final int L = F.length();
    private static final VectorShuffle<Float> HALF = VectorShuffle.iota(F, Math.max(1, L / 2), 1, true);
    private static final VectorShuffle<Float> QUARTER = VectorShuffle.iota(F, Math.max(1, L / 4), 1, true);
    private static final VectorShuffle<Float> EIGHTH = VectorShuffle.iota(F, Math.max(1, L / 8), 1, true);
    private static final VectorShuffle<Float> SIXTEENTH = VectorShuffle.iota(F, Math.max(1, L / 16), 1, true);

    static float sum(FloatVector v) {
        if (L >= 2) v = v.add(v.rearrange(HALF));
        if (L >= 4) v = v.add(v.rearrange(QUARTER));
        if (L >= 8) v = v.add(v.rearrange(EIGHTH));
        if (L >= 16) v = v.add(v.rearrange(SIXTEENTH));
        return v.lane(0);
    }

    /** {@code Σ a[i]·b[i]}: lanes accumulated by fused multiply-adds, summed by {@link #sum}, the tail added in order. */
    static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        if (VectorWidth.SCALAR) return dotScalar(a, aOff, b, bOff, n);
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (; i <= n - L; i += L) acc = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), acc);
        float s = sum(acc);
        for (; i < n; i++) s = Math.fma(a[aOff + i], b[bOff + i], s);
        return s;
    }

    static float dotScalar(float[] a, int aOff, float[] b, int bOff, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) s = Math.fma(a[aOff + i], b[bOff + i], s);
        return s;
    }
}
