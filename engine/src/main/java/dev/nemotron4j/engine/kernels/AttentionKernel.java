package dev.nemotron4j.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * One query head attending to cached positions {@code [0, visible)} of its KV head: softmax(q·kᵀ·scale)·V.
 * The vector kernel makes a single pass over keys and values with an online softmax (running max and sum,
 * the output rescaled when the max grows), in blocks of one vector of positions so the exponentials are
 * computed lane-wise; it needs no score buffer, so its cost is linear in the context and allocation-free.
 * {@link #attendScalar} is the plain two-pass twin.
 */
public final class AttentionKernel {
    private AttentionKernel() {}

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int B = F.length();

    /**
     * @param keys   cached keys, position s of this KV head at {@code kvOff + s·stride}
     * @param values cached values, same layout
     * @param out    receives the head's output at {@code outOff} ({@code headDim} floats)
     */
    public static void attend(float[] q, int qOff, float[] keys, float[] values, int kvOff, int stride, int visible,
                              float scale, int headDim, float[] out, int outOff) {
        if (headDim % F.length() != 0) {
            attendScalar(q, qOff, keys, values, kvOff, stride, visible, scale, headDim, out, outOff);
            return;
        }
        float[] sc = RowScratch.get(B, 0).values;
        for (int d = 0; d < headDim; d++) out[outOff + d] = 0f;
        float max = Float.NEGATIVE_INFINITY, sum = 0f;
        for (int s0 = 0; s0 < visible; s0 += B) {
            int n = Math.min(B, visible - s0);
            float blockMax = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                int k = kvOff + (s0 + i) * stride;
                FloatVector acc = FloatVector.fromArray(F, q, qOff).mul(FloatVector.fromArray(F, keys, k));
                for (int d = F.length(); d < headDim; d += F.length()) {
                    acc = FloatVector.fromArray(F, q, qOff + d).fma(FloatVector.fromArray(F, keys, k + d), acc);
                }
                float score = LaneSum.sum(acc) * scale;
                sc[i] = score;
                blockMax = Math.max(blockMax, score);
            }
            for (int i = n; i < B; i++) sc[i] = Float.NEGATIVE_INFINITY;
            if (blockMax > max) {
                // rescale what was accumulated under the old max (exp(−inf) = 0 on the first block)
                float factor = (float) Math.exp(max - blockMax);
                sum *= factor;
                for (int d = 0; d < headDim; d += F.length()) {
                    FloatVector.fromArray(F, out, outOff + d).mul(factor).intoArray(out, outOff + d);
                }
                max = blockMax;
            }
            FloatVector p = FloatVector.fromArray(F, sc, 0).sub(max).lanewise(VectorOperators.EXP);
            p.intoArray(sc, 0);
            sum += LaneSum.sum(p);
            for (int i = 0; i < n; i++) {
                int v = kvOff + (s0 + i) * stride;
                FloatVector w = FloatVector.broadcast(F, sc[i]);
                for (int d = 0; d < headDim; d += F.length()) {
                    w.fma(FloatVector.fromArray(F, values, v + d), FloatVector.fromArray(F, out, outOff + d)).intoArray(out, outOff + d);
                }
            }
        }
        float inv = 1f / sum;
        for (int d = 0; d < headDim; d++) out[outOff + d] *= inv;
    }

    /** Two-pass scalar twin (scores, max, exponentials, weighted sum). */
    public static void attendScalar(float[] q, int qOff, float[] keys, float[] values, int kvOff, int stride, int visible,
                                    float scale, int headDim, float[] out, int outOff) {
        float[] scores = new float[visible];
        float max = Float.NEGATIVE_INFINITY;
        for (int s = 0; s < visible; s++) {
            int k = kvOff + s * stride;
            float dot = 0f;
            for (int d = 0; d < headDim; d++) dot += q[qOff + d] * keys[k + d];
            scores[s] = dot * scale;
            max = Math.max(max, scores[s]);
        }
        float sum = 0f;
        for (int s = 0; s < visible; s++) {
            scores[s] = (float) Math.exp(scores[s] - max);
            sum += scores[s];
        }
        float inv = 1f / sum;
        for (int d = 0; d < headDim; d++) out[outOff + d] = 0f;
        for (int s = 0; s < visible; s++) {
            float p = scores[s] * inv;
            int v = kvOff + s * stride;
            for (int d = 0; d < headDim; d++) out[outOff + d] += p * values[v + d];
        }
    }
}
