package dev.nemotron4j.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Deterministic horizontal sum of a float vector. {@code reduceLanes(ADD)} leaves the order of additions
 * unspecified, and the interpreter and the JIT do differ, so the same dot product could give different bits
 * before and after warm-up. This fixed pairwise tree gives the same result in every tier, which keeps
 * batched and single-sequence decoding bit-identical and reruns reproducible.
 */
final class LaneSum {
    private LaneSum() {}

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorShuffle<Float>[] HALVES = shuffles();

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] shuffles() {
        int steps = Integer.numberOfTrailingZeros(F.length());
        VectorShuffle<Float>[] s = new VectorShuffle[steps];
        for (int i = 0, off = F.length() / 2; i < steps; i++, off /= 2) s[i] = VectorShuffle.iota(F, off, 1, true);
        return s;
    }

    static float sum(FloatVector v) {
        for (VectorShuffle<Float> s : HALVES) v = v.add(v.rearrange(s));
        return v.lane(0);
    }
}
