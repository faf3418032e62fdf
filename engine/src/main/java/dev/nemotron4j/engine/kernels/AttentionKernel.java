package dev.nemotron4j.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Query heads attending to the cached positions {@code [0, visible)} of their KV head: softmax(q·kᵀ·scale)·V.
 *
 * <p>Cache layout (what {@code state.KvCache} stores per KV head): keys in blocks of {@link #KEY_BLOCK}
 * positions, each block transposed to {@code [headDim][KEY_BLOCK]} ({@link #keyIndex}); values as rows
 * {@code [position][headDim]}. A vector load of a key block holds one dimension of consecutive positions, so
 * a block's scores are accumulated lane-wise (one position per lane, one multiply-add per dimension) with no
 * horizontal sums, and the exponentials of the online softmax are taken a block at a time.
 *
 * <p>One pass over keys and values with an online softmax (running max and sum per head, the output rescaled
 * when the max grows): no score buffer, cost linear in the context, no allocation. The query heads of one KV
 * head share each read of the cache. Every head's arithmetic is the same whichever group it is computed in.
 * {@link #attendScalar} is the plain two-pass twin.
 */
public final class AttentionKernel {
    private AttentionKernel() {}

    /** Positions per transposed key block. */
    public static final int KEY_BLOCK = 16;

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final boolean VECTOR = KEY_BLOCK % L == 0;

    /** Index of element {@code d} of the key of {@code position} within one KV head's blocked keys. */
    public static int keyIndex(int position, int d, int headDim) {
        return (position / KEY_BLOCK) * headDim * KEY_BLOCK + d * KEY_BLOCK + position % KEY_BLOCK;
    }

    /**
     * {@link #attendGroup} for a single query head.
     *
     * @param keys   blocked keys of one KV head from {@code keyOff} (layout above)
     * @param values value rows of the same KV head from {@code valueOff}, {@code headDim} floats apart
     * @param out    receives the head's output at {@code outOff} ({@code headDim} floats)
     */
    public static void attend(float[] q, int qOff, float[] keys, int keyOff, float[] values, int valueOff, int visible,
                              float scale, int headDim, float[] out, int outOff) {
        attendGroup(q, qOff, 1, keys, keyOff, values, valueOff, visible, scale, headDim, out, outOff);
    }

    /**
     * The {@code heads} consecutive query heads (at {@code qOff + h·headDim}, outputs at {@code outOff + h·headDim})
     * that share one KV head, in one pass over its keys and values.
     */
    public static void attendGroup(float[] q, int qOff, int heads, float[] keys, int keyOff, float[] values, int valueOff,
                                   int visible, float scale, int headDim, float[] out, int outOff) {
        if (!VECTOR || headDim % L != 0) {
            for (int h = 0; h < heads; h++) {
                attendScalar(q, qOff + h * headDim, keys, keyOff, values, valueOff, visible, scale, headDim, out, outOff + h * headDim);
            }
            return;
        }
        RowScratch scratch = RowScratch.get(heads * KEY_BLOCK, 2 * heads);
        float[] p = scratch.values, stats = scratch.scales; // p: a block's scores, then weights, of head h at h·KEY_BLOCK
        for (int h = 0; h < heads; h++) {
            stats[h] = Float.NEGATIVE_INFINITY; // running max
            stats[heads + h] = 0f;              // running sum of exponentials
        }
        for (int d = 0; d < heads * headDim; d++) out[outOff + d] = 0f;
        int blockFloats = headDim * KEY_BLOCK;
        for (int s0 = 0, kb = keyOff; s0 < visible; s0 += KEY_BLOCK, kb += blockFloats) {
            int n = Math.min(KEY_BLOCK, visible - s0);
            scoreBlock(q, qOff, heads, keys, kb, headDim, scale, p);
            for (int h = 0; h < heads; h++) {
                softmaxBlock(p, h * KEY_BLOCK, n, stats, h, heads, out, outOff + h * headDim, headDim);
                accumulateValues(p, h * KEY_BLOCK, n, values, valueOff + s0 * headDim, headDim, out, outOff + h * headDim);
            }
        }
        for (int h = 0; h < heads; h++) {
            float inv = 1f / stats[heads + h];
            for (int d = 0; d < headDim; d++) out[outOff + h * headDim + d] *= inv;
        }
    }

    /**
     * {@code p[h·KEY_BLOCK + i] = scale · q_h · k_i} for the block's positions i (all lanes, also past the
     * visible end; the caller masks those). Four heads at a time share each key load; a head's lane sees the
     * multiply-adds over d = 0…headDim−1 in order whatever its group.
     */
    private static void scoreBlock(float[] q, int qOff, int heads, float[] keys, int kb, int headDim, float scale, float[] p) {
        int h = 0;
        for (; h + 4 <= heads; h += 4) {
            int q0 = qOff + h * headDim, q1 = q0 + headDim, q2 = q1 + headDim, q3 = q2 + headDim;
            for (int part = 0; part < KEY_BLOCK; part += L) {
                FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
                for (int d = 0, k = kb + part; d < headDim; d++, k += KEY_BLOCK) {
                    FloatVector kv = FloatVector.fromArray(F, keys, k);
                    a0 = kv.fma(FloatVector.broadcast(F, q[q0 + d]), a0);
                    a1 = kv.fma(FloatVector.broadcast(F, q[q1 + d]), a1);
                    a2 = kv.fma(FloatVector.broadcast(F, q[q2 + d]), a2);
                    a3 = kv.fma(FloatVector.broadcast(F, q[q3 + d]), a3);
                }
                int o = h * KEY_BLOCK + part;
                a0.mul(scale).intoArray(p, o);
                a1.mul(scale).intoArray(p, o + KEY_BLOCK);
                a2.mul(scale).intoArray(p, o + 2 * KEY_BLOCK);
                a3.mul(scale).intoArray(p, o + 3 * KEY_BLOCK);
            }
        }
        for (; h < heads; h++) {
            int q0 = qOff + h * headDim;
            for (int part = 0; part < KEY_BLOCK; part += L) {
                FloatVector a0 = FloatVector.zero(F);
                for (int d = 0, k = kb + part; d < headDim; d++, k += KEY_BLOCK) {
                    a0 = FloatVector.fromArray(F, keys, k).fma(FloatVector.broadcast(F, q[q0 + d]), a0);
                }
                a0.mul(scale).intoArray(p, h * KEY_BLOCK + part);
            }
        }
    }

    /**
     * Online-softmax step of head h for a block of {@code n} visible scores at {@code p[pb..]}: raises the running
     * max (rescaling the output and sum accumulated so far), turns the scores into weights exp(s − max) (0 past
     * the visible end) and adds them to the running sum.
     */
    private static void softmaxBlock(float[] p, int pb, int n, float[] stats, int h, int heads, float[] out, int oh, int headDim) {
        float blockMax = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) blockMax = Math.max(blockMax, p[pb + i]);
        for (int i = n; i < KEY_BLOCK; i++) p[pb + i] = Float.NEGATIVE_INFINITY;
        float max = stats[h];
        if (blockMax > max) {
            // rescale what was accumulated under the old max (exp(−inf) = 0 on the first block)
            float factor = (float) Math.exp(max - blockMax);
            stats[heads + h] *= factor;
            for (int d = 0; d < headDim; d += L) FloatVector.fromArray(F, out, oh + d).mul(factor).intoArray(out, oh + d);
            max = blockMax;
            stats[h] = max;
        }
        float sum = 0f;
        for (int part = 0; part < KEY_BLOCK; part += L) {
            FloatVector e = FloatVector.fromArray(F, p, pb + part).sub(max).lanewise(VectorOperators.EXP);
            e.intoArray(p, pb + part);
            sum += LaneSum.sum(e);
        }
        stats[heads + h] += sum;
    }

    /** {@code out[oh..] += Σ_i p[pb+i] · v_i} over the block's {@code n} value rows from {@code v0}, in order of i. */
    private static void accumulateValues(float[] p, int pb, int n, float[] values, int v0, int headDim, float[] out, int oh) {
        int c = 0;
        for (; c + 4 * L <= headDim; c += 4 * L) {
            FloatVector o0 = FloatVector.fromArray(F, out, oh + c), o1 = FloatVector.fromArray(F, out, oh + c + L);
            FloatVector o2 = FloatVector.fromArray(F, out, oh + c + 2 * L), o3 = FloatVector.fromArray(F, out, oh + c + 3 * L);
            for (int i = 0, v = v0 + c; i < n; i++, v += headDim) {
                FloatVector w = FloatVector.broadcast(F, p[pb + i]);
                o0 = FloatVector.fromArray(F, values, v).fma(w, o0);
                o1 = FloatVector.fromArray(F, values, v + L).fma(w, o1);
                o2 = FloatVector.fromArray(F, values, v + 2 * L).fma(w, o2);
                o3 = FloatVector.fromArray(F, values, v + 3 * L).fma(w, o3);
            }
            o0.intoArray(out, oh + c);
            o1.intoArray(out, oh + c + L);
            o2.intoArray(out, oh + c + 2 * L);
            o3.intoArray(out, oh + c + 3 * L);
        }
        for (; c < headDim; c += L) {
            FloatVector o0 = FloatVector.fromArray(F, out, oh + c);
            for (int i = 0, v = v0 + c; i < n; i++, v += headDim) {
                o0 = FloatVector.fromArray(F, values, v).fma(FloatVector.broadcast(F, p[pb + i]), o0);
            }
            o0.intoArray(out, oh + c);
        }
    }

    /** Two-pass scalar twin (scores, max, exponentials, weighted sum), same cache layout. */
    public static void attendScalar(float[] q, int qOff, float[] keys, int keyOff, float[] values, int valueOff, int visible,
                                    float scale, int headDim, float[] out, int outOff) {
        float[] scores = new float[visible];
        float max = Float.NEGATIVE_INFINITY;
        for (int s = 0; s < visible; s++) {
            float dot = 0f;
            for (int d = 0; d < headDim; d++) dot += q[qOff + d] * keys[keyOff + keyIndex(s, d, headDim)];
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
            float w = scores[s] * inv;
            int v = valueOff + s * headDim;
            for (int d = 0; d < headDim; d++) out[outOff + d] += w * values[v + d];
        }
    }
}
