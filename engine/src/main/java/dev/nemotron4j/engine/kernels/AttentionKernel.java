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
     * {@link #attendGroup} for a single query head.
     *
     * @param keys   cached keys, position s of this KV head at {@code kvOff + s·stride}
     * @param values cached values, same layout
     * @param out    receives the head's output at {@code outOff} ({@code headDim} floats)
     */
    public static void attend(float[] q, int qOff, float[] keys, float[] values, int kvOff, int stride, int visible,
                              float scale, int headDim, float[] out, int outOff) {
        attendGroup(q, qOff, 1, keys, values, kvOff, stride, visible, scale, headDim, out, outOff);
    }

    /**
     * The {@code heads} consecutive query heads (at {@code qOff + h·headDim}, outputs at {@code outOff + h·headDim})
     * that share one KV head, in one pass over its keys and values: each block of positions is read from
     * memory once for the whole group (grouped-query attention reads the cache {@code heads} times less).
     * Every head's arithmetic is the same as attending alone.
     */
    public static void attendGroup(float[] q, int qOff, int heads, float[] keys, float[] values, int kvOff, int stride, int visible,
                                   float scale, int headDim, float[] out, int outOff) {
        if (headDim % F.length() != 0) {
            for (int h = 0; h < heads; h++) {
                attendScalar(q, qOff + h * headDim, keys, values, kvOff, stride, visible, scale, headDim, out, outOff + h * headDim);
            }
            return;
        }
        RowScratch scratch = RowScratch.get(heads * B, 2 * heads);
        float[] sc = scratch.values, stats = scratch.scales; // stats: max of head h at h, sum at heads + h
        for (int h = 0; h < heads; h++) {
            stats[h] = Float.NEGATIVE_INFINITY;
            stats[heads + h] = 0f;
        }
        for (int d = 0; d < heads * headDim; d++) out[outOff + d] = 0f;
        for (int s0 = 0; s0 < visible; s0 += B) {
            int n = Math.min(B, visible - s0);
            for (int i = 0; i < n; i++) {
                int k = kvOff + (s0 + i) * stride;
                for (int h = 0; h < heads; h++) {
                    int qh = qOff + h * headDim;
                    FloatVector acc = FloatVector.fromArray(F, q, qh).mul(FloatVector.fromArray(F, keys, k));
                    for (int d = F.length(); d < headDim; d += F.length()) {
                        acc = FloatVector.fromArray(F, q, qh + d).fma(FloatVector.fromArray(F, keys, k + d), acc);
                    }
                    sc[h * B + i] = LaneSum.sum(acc) * scale;
                }
            }
            for (int h = 0; h < heads; h++) {
                int sb = h * B, oh = outOff + h * headDim;
                float blockMax = Float.NEGATIVE_INFINITY;
                for (int i = 0; i < n; i++) blockMax = Math.max(blockMax, sc[sb + i]);
                for (int i = n; i < B; i++) sc[sb + i] = Float.NEGATIVE_INFINITY;
                float max = stats[h];
                if (blockMax > max) {
                    // rescale what was accumulated under the old max (exp(−inf) = 0 on the first block)
                    float factor = (float) Math.exp(max - blockMax);
                    stats[heads + h] *= factor;
                    for (int d = 0; d < headDim; d += F.length()) {
                        FloatVector.fromArray(F, out, oh + d).mul(factor).intoArray(out, oh + d);
                    }
                    max = blockMax;
                    stats[h] = max;
                }
                FloatVector p = FloatVector.fromArray(F, sc, sb).sub(max).lanewise(VectorOperators.EXP);
                p.intoArray(sc, sb);
                stats[heads + h] += LaneSum.sum(p);
            }
            for (int i = 0; i < n; i++) {
                int v = kvOff + (s0 + i) * stride;
                for (int h = 0; h < heads; h++) {
                    int oh = outOff + h * headDim;
                    FloatVector w = FloatVector.broadcast(F, sc[h * B + i]);
                    for (int d = 0; d < headDim; d += F.length()) {
                        w.fma(FloatVector.fromArray(F, values, v + d), FloatVector.fromArray(F, out, oh + d)).intoArray(out, oh + d);
                    }
                }
            }
        }
        for (int h = 0; h < heads; h++) {
            float inv = 1f / stats[heads + h];
            for (int d = 0; d < headDim; d++) out[outOff + h * headDim + d] *= inv;
        }
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
