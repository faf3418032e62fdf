package dev.nemotron4j.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Deterministic horizontal sum of a float vector. {@code reduceLanes(ADD)} leaves the order of additions
 * unspecified, and the interpreter and the JIT do differ, so the same dot product could give different bits
 * before and after warm-up. This fixed pairwise tree (add the upper half onto the lower, then the upper
 * quarter, … ) gives the same result in every tier, which keeps batched and single-sequence decoding
 * bit-identical and reruns reproducible.
 *
 * <p>The shuffles are separate constants, not an array walked in a loop: the JIT only turns a
 * {@code rearrange} into one permute instruction when its shuffle is a constant, and a looped version cost a
 * batched kernel a third of its speed.
 */
final class LaneSum {
    private LaneSum() {}

    static final VectorSpecies<Float> F = VectorWidth.FLOAT;
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
        if (L >= 32) throw new IllegalStateException("vectors of " + L + " floats are not supported");
        return v.lane(0);
    }

    /** Per-thread room for up to 8 vectors on their way through {@link #sumsInto}. */
    private static final ThreadLocal<float[]> LANES = ThreadLocal.withInitial(() -> new float[8 * L]);

    /**
     * This thread's room for 8 stored vectors. Big kernels park their accumulators here and reduce them in a
     * small method: a call to {@link #sum(FloatVector)} from a method that large is not inlined, and the call
     * then boxes its vector.
     */
    static float[] lanes() {
        return LANES.get();
    }

    /** {@link #sum(FloatVector)} of the vector stored at {@code lanes[vector·L ..]} (for kernels too big to inline a call that takes a vector). */
    static float sumAt(float[] lanes, int vector) {
        return sum(FloatVector.fromArray(F, lanes, vector * L));
    }

    /** {@code out[outOff + k·outStride] = sum(vector k)} for the {@code count} vectors stored from {@code lanes[0]}. */
    static void sumsInto(float[] lanes, int count, float[] out, int outOff, int outStride) {
        sumsInto(lanes, 0, count, out, outOff, outStride);
    }

    /** {@link #sumsInto(float[], int, float[], int, int)} for the vectors stored from vector {@code first} on. */
    static void sumsInto(float[] lanes, int first, int count, float[] out, int outOff, int outStride) {
        for (int k = 0; k < count; k++) out[outOff + k * outStride] = sum(FloatVector.fromArray(F, lanes, (first + k) * L));
    }
}
