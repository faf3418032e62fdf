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
 * {@link #attendScalar} is the plain two-pass twin, which every head takes with {@link VectorWidth#SCALAR} or a
 * head size that is not a whole number of vectors.
 */
public final class AttentionKernel {
    private AttentionKernel() {}

    /** Positions per transposed key block. */
    public static final int KEY_BLOCK = 16;

    private static final VectorSpecies<Float> F = VectorWidth.FLOAT;
    private static final int L = F.length();
    /** Whether the vector kernels apply (otherwise every head takes {@link #attendScalar}). */
    private static final boolean VECTOR = !VectorWidth.SCALAR && KEY_BLOCK % L == 0;

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
        float[] stats = RowScratch.get(0, 2 * heads + 1).scales;
        float[] p = startGroup(heads, headDim, stats, out, outOff);
        int blockFloats = headDim * KEY_BLOCK;
        float touched = 0f;
        for (int s0 = 0, kb = keyOff; s0 < visible; s0 += KEY_BLOCK, kb += blockFloats) {
            int vb = valueOff + s0 * headDim;
            // Lines read two blocks ahead while this block computes (see accumulateValuePair): in range, or this block's.
            boolean ahead = s0 + 3 * KEY_BLOCK <= visible;
            touched += block(q, qOff, heads, keys, kb, values, vb, Math.min(KEY_BLOCK, visible - s0), scale, headDim, p, stats,
                    out, outOff, ahead ? kb + 2 * blockFloats : kb, ahead ? vb + 2 * blockFloats : vb, false);
        }
        finishGroup(heads, headDim, stats, touched, out, outOff);
    }

    /**
     * {@link #attendGroup} over a cache stored as IEEE half floats (same layout, {@code short} bit patterns): each
     * block's keys and value rows are widened exactly into per-thread scratch and attended by the float32 code, so
     * the output is bit-identical to {@link #attendGroup} over a float cache holding the widened values, with half
     * the bytes to stream at long context.
     */
    public static void attendGroupHalf(float[] q, int qOff, int heads, short[] keys, int keyOff, short[] values, int valueOff,
                                       int visible, float scale, int headDim, float[] out, int outOff) {
        int blockFloats = headDim * KEY_BLOCK;
        if (!VECTOR || headDim % L != 0) {
            // Widened whole into this thread's input scratch (free here: no product is running on this thread), keys
            // then values; attendGroup itself uses the other scratch arrays.
            int keyFloats = Math.multiplyExact((visible + KEY_BLOCK - 1) / KEY_BLOCK, blockFloats);
            float[] kv = RowScratch.inputs(Math.addExact(keyFloats, visible * headDim));
            HalfFloatKernel.widen(keys, keyOff, kv, 0, keyFloats);
            HalfFloatKernel.widen(values, valueOff, kv, keyFloats, visible * headDim);
            attendGroup(q, qOff, heads, kv, 0, kv, keyFloats, visible, scale, headDim, out, outOff);
            return;
        }
        float[] kv = RowScratch.get(2 * blockFloats, 0).values; // the block's keys, then its value rows
        float[] stats = RowScratch.get(0, 2 * heads + 1).scales;
        float[] p = startGroup(heads, headDim, stats, out, outOff);
        float touched = 0f;
        for (int s0 = 0, kb = keyOff; s0 < visible; s0 += KEY_BLOCK, kb += blockFloats) {
            int n = Math.min(KEY_BLOCK, visible - s0);
            int vb = valueOff + s0 * headDim;
            HalfFloatKernel.widen(keys, kb, kv, 0, blockFloats);
            HalfFloatKernel.widen(values, vb, kv, blockFloats, n * headDim);
            if (s0 + 3 * KEY_BLOCK <= visible) {
                // Java has no prefetch instruction: read one element per cache line two blocks ahead
                for (int i = 0; i < blockFloats; i += 2 * LINE_FLOATS) touched += keys[kb + 2 * blockFloats + i] + values[vb + 2 * blockFloats + i];
            }
            // value rows shared by four heads: faster from the L1 scratch (from the float32 cache in memory, slower)
            touched += block(q, qOff, heads, kv, 0, kv, blockFloats, n, scale, headDim, p, stats, out, outOff, 0, blockFloats, true);
        }
        finishGroup(heads, headDim, stats, touched, out, outOff);
    }

    /**
     * {@link #attendGroup} over an FP8 cache (same layout, E4M3 codes of key / {@code keyScale} and value /
     * {@code valueScale}): each block widened into per-thread scratch ({@link E4m3#widen}) and attended by the float32
     * code, bit-identical to {@link #attendGroup} over a float cache holding the widened values, with a quarter of the
     * float cache's bytes to stream.
     */
    public static void attendGroupFp8(float[] q, int qOff, int heads, byte[] keys, int keyOff, float keyScale, byte[] values, int valueOff,
                                      float valueScale, int visible, float scale, int headDim, float[] out, int outOff) {
        int blockFloats = headDim * KEY_BLOCK;
        if (!VECTOR || headDim % L != 0) {
            int keyFloats = Math.multiplyExact((visible + KEY_BLOCK - 1) / KEY_BLOCK, blockFloats);
            float[] kv = RowScratch.inputs(Math.addExact(keyFloats, visible * headDim));
            E4m3.widen(keys, keyOff, keyScale, kv, 0, keyFloats);
            E4m3.widen(values, valueOff, valueScale, kv, keyFloats, visible * headDim);
            attendGroup(q, qOff, heads, kv, 0, kv, keyFloats, visible, scale, headDim, out, outOff);
            return;
        }
        float[] kv = RowScratch.get(2 * blockFloats, 0).values; // the block's keys, then its value rows
        float[] stats = RowScratch.get(0, 2 * heads + 1).scales;
        float[] p = startGroup(heads, headDim, stats, out, outOff);
        float touched = 0f;
        for (int s0 = 0, kb = keyOff; s0 < visible; s0 += KEY_BLOCK, kb += blockFloats) {
            int n = Math.min(KEY_BLOCK, visible - s0);
            int vb = valueOff + s0 * headDim;
            E4m3.widen(keys, kb, keyScale, kv, 0, blockFloats);
            E4m3.widen(values, vb, valueScale, kv, blockFloats, n * headDim);
            touched += block(q, qOff, heads, kv, 0, kv, blockFloats, n, scale, headDim, p, stats, out, outOff, 0, blockFloats, true);
        }
        finishGroup(heads, headDim, stats, touched, out, outOff);
    }

    /** Resets the group's running statistics and outputs; returns the per-thread buffer for a block's scores. */
    private static float[] startGroup(int heads, int headDim, float[] stats, float[] out, int outOff) {
        for (int h = 0; h < heads; h++) {
            stats[h] = Float.NEGATIVE_INFINITY; // running max
            stats[heads + h] = 0f;              // running sum of exponentials
        }
        for (int d = 0; d < heads * headDim; d++) out[outOff + d] = 0f;
        return RowScratch.scores(heads * KEY_BLOCK);
    }

    /** Divides each head's output by its sum of exponentials. */
    private static void finishGroup(int heads, int headDim, float[] stats, float touched, float[] out, int outOff) {
        stats[2 * heads] = touched; // keeps the look-ahead reads alive
        for (int h = 0; h < heads; h++) {
            float inv = 1f / stats[heads + h];
            for (int d = 0; d < headDim; d++) out[outOff + h * headDim + d] *= inv;
        }
    }

    /**
     * One key block of {@code n} visible positions (keys at {@code kb}, value rows at {@code vb}) for every head of
     * the group: scores, online-softmax step, weighted values. Returns the sum of the look-ahead reads.
     */
    private static float block(float[] q, int qOff, int heads, float[] keys, int kb, float[] values, int vb, int n, float scale,
                               int headDim, float[] p, float[] stats, float[] out, int outOff, int kAhead, int vAhead, boolean quads) {
        scoreBlock(q, qOff, heads, keys, kb, headDim, scale, p);
        float touched = 0f;
        int blockFloats = headDim * KEY_BLOCK;
        int h = 0;
        if (quads && headDim == 8 * L) {
            for (; h + 4 <= heads; h += 4) {
                for (int j = h; j < h + 4; j++) softmaxBlock(p, j * KEY_BLOCK, n, stats, j, heads, out, outOff + j * headDim, headDim);
                int line = (h / 2) * 16 * LINE_FLOATS % blockFloats;
                touched += accumulateValueQuad(p, h * KEY_BLOCK, n, values, vb, headDim, out, outOff + h * headDim,
                        keys, kAhead + line, vAhead + line);
            }
        }
        for (; h + 2 <= heads; h += 2) {
            softmaxBlock(p, h * KEY_BLOCK, n, stats, h, heads, out, outOff + h * headDim, headDim);
            softmaxBlock(p, (h + 1) * KEY_BLOCK, n, stats, h + 1, heads, out, outOff + (h + 1) * headDim, headDim);
            int line = (h / 2) * 16 * LINE_FLOATS % blockFloats;
            touched += accumulateValuePair(p, h * KEY_BLOCK, n, values, vb, headDim, out, outOff + h * headDim,
                    keys, kAhead + line, vAhead + line);
        }
        for (; h < heads; h++) {
            softmaxBlock(p, h * KEY_BLOCK, n, stats, h, heads, out, outOff + h * headDim, headDim);
            accumulateValues(p, h * KEY_BLOCK, n, values, vb, headDim, out, outOff + h * headDim);
        }
        return touched;
    }

    /** Floats per 64-byte cache line. */
    private static final int LINE_FLOATS = 16;

    /**
     * {@code p[h·KEY_BLOCK + i] = scale · q_h · k_i} for the block's positions i (all lanes, also past the
     * visible end; the caller masks those). Eight heads at a time share each key load; a head's lane sees the
     * multiply-adds over d = 0…headDim−1 in order whatever its group.
     */
    private static void scoreBlock(float[] q, int qOff, int heads, float[] keys, int kb, int headDim, float scale, float[] p) {
        int h = 0;
        for (; h + 8 <= heads; h += 8) {
            int q0 = qOff + h * headDim;
            for (int part = 0; part < KEY_BLOCK; part += L) {
                FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
                for (int d = 0, k = kb + part; d < headDim; d++, k += KEY_BLOCK) {
                    FloatVector kv = FloatVector.fromArray(F, keys, k);
                    int qd = q0 + d;
                    a0 = kv.fma(FloatVector.broadcast(F, q[qd]), a0);
                    a1 = kv.fma(FloatVector.broadcast(F, q[qd + headDim]), a1);
                    a2 = kv.fma(FloatVector.broadcast(F, q[qd + 2 * headDim]), a2);
                    a3 = kv.fma(FloatVector.broadcast(F, q[qd + 3 * headDim]), a3);
                    a4 = kv.fma(FloatVector.broadcast(F, q[qd + 4 * headDim]), a4);
                    a5 = kv.fma(FloatVector.broadcast(F, q[qd + 5 * headDim]), a5);
                    a6 = kv.fma(FloatVector.broadcast(F, q[qd + 6 * headDim]), a6);
                    a7 = kv.fma(FloatVector.broadcast(F, q[qd + 7 * headDim]), a7);
                }
                int o = h * KEY_BLOCK + part;
                a0.mul(scale).intoArray(p, o);
                a1.mul(scale).intoArray(p, o + KEY_BLOCK);
                a2.mul(scale).intoArray(p, o + 2 * KEY_BLOCK);
                a3.mul(scale).intoArray(p, o + 3 * KEY_BLOCK);
                a4.mul(scale).intoArray(p, o + 4 * KEY_BLOCK);
                a5.mul(scale).intoArray(p, o + 5 * KEY_BLOCK);
                a6.mul(scale).intoArray(p, o + 6 * KEY_BLOCK);
                a7.mul(scale).intoArray(p, o + 7 * KEY_BLOCK);
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
        for (int i = n; i < KEY_BLOCK; i++) p[pb + i] = Float.NEGATIVE_INFINITY;
        // One lane-wise max per vector and one reduction: a scalar loop is a chain of dependent maxima (~a fifth of
        // the kernel's time at 16 heads). The maximum is exact in any order.
        FloatVector m = FloatVector.fromArray(F, p, pb);
        for (int i = L; i < KEY_BLOCK; i += L) m = m.max(FloatVector.fromArray(F, p, pb + i));
        float blockMax = m.reduceLanes(VectorOperators.MAX);
        float max = stats[h];
        if (blockMax > max) {
            // rescale what was accumulated under the old max (exp(−inf) = 0 on the first block)
            float factor = (float) Math.exp(max - blockMax);
            stats[heads + h] *= factor;
            for (int d = 0; d < headDim; d += L) FloatVector.fromArray(F, out, oh + d).mul(factor).intoArray(out, oh + d);
            max = blockMax;
            stats[h] = max;
        }
        stats[heads + h] += Exponential.expShiftedInPlace(p, pb, KEY_BLOCK, max);
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

    /**
     * {@link #accumulateValues} for heads h and h+1 (weights at {@code pb} and {@code pb + KEY_BLOCK}, outputs at
     * {@code oh} and {@code oh + headDim}) sharing each load of a value row; each head sees exactly the operations
     * it sees alone. Also reads one float of each of 16 key lines from {@code keyAhead} and 16 value lines from
     * {@code valueAhead} (two blocks ahead) and returns their sum: Java has no prefetch instruction, and without
     * these early reads a long context is read from memory at a fraction of the bandwidth (the hardware
     * prefetchers do not run far enough ahead of the alternating score and value passes; measured 170 → 140 ns
     * per position at 32K together with the load sharing, docs/BENCHMARKS.md).
     */
    private static float accumulateValuePair(float[] p, int pb, int n, float[] values, int v0, int headDim, float[] out, int oh,
                                             float[] keys, int keyAhead, int valueAhead) {
        if (headDim != 8 * L) {
            accumulateValues(p, pb, n, values, v0, headDim, out, oh);
            accumulateValues(p, pb + KEY_BLOCK, n, values, v0, headDim, out, oh + headDim);
            return 0f;
        }
        float touched = 0f;
        int pb1 = pb + KEY_BLOCK, oh1 = oh + headDim;
        for (int c = 0; c < headDim; c += 4 * L) {
            float[] ahead = c == 0 ? keys : values;
            int a = c == 0 ? keyAhead : valueAhead;
            FloatVector o0 = FloatVector.fromArray(F, out, oh + c), o1 = FloatVector.fromArray(F, out, oh + c + L);
            FloatVector o2 = FloatVector.fromArray(F, out, oh + c + 2 * L), o3 = FloatVector.fromArray(F, out, oh + c + 3 * L);
            FloatVector u0 = FloatVector.fromArray(F, out, oh1 + c), u1 = FloatVector.fromArray(F, out, oh1 + c + L);
            FloatVector u2 = FloatVector.fromArray(F, out, oh1 + c + 2 * L), u3 = FloatVector.fromArray(F, out, oh1 + c + 3 * L);
            for (int i = 0, v = v0 + c; i < n; i++, v += headDim) {
                touched += ahead[a + i * LINE_FLOATS];
                FloatVector w = FloatVector.broadcast(F, p[pb + i]), x = FloatVector.broadcast(F, p[pb1 + i]);
                FloatVector r0 = FloatVector.fromArray(F, values, v), r1 = FloatVector.fromArray(F, values, v + L);
                FloatVector r2 = FloatVector.fromArray(F, values, v + 2 * L), r3 = FloatVector.fromArray(F, values, v + 3 * L);
                o0 = r0.fma(w, o0);
                o1 = r1.fma(w, o1);
                o2 = r2.fma(w, o2);
                o3 = r3.fma(w, o3);
                u0 = r0.fma(x, u0);
                u1 = r1.fma(x, u1);
                u2 = r2.fma(x, u2);
                u3 = r3.fma(x, u3);
            }
            o0.intoArray(out, oh + c);
            o1.intoArray(out, oh + c + L);
            o2.intoArray(out, oh + c + 2 * L);
            o3.intoArray(out, oh + c + 3 * L);
            u0.intoArray(out, oh1 + c);
            u1.intoArray(out, oh1 + c + L);
            u2.intoArray(out, oh1 + c + 2 * L);
            u3.intoArray(out, oh1 + c + 3 * L);
        }
        return touched;
    }

    /**
     * {@link #accumulateValues} for heads h … h+3 (weights {@code KEY_BLOCK} apart from {@code pb}, outputs
     * {@code headDim} apart from {@code oh}; {@code headDim = 8·L}) sharing each load of a value row: 4 loads and 4
     * broadcasts per 16 multiply-adds. Each head sees exactly the operations it sees alone. Reads two floats of the
     * look-ahead lines per row ({@link #accumulateValuePair}: 32 key lines from {@code keyAhead}, 32 value lines from
     * {@code valueAhead}) and returns their sum.
     */
    private static float accumulateValueQuad(float[] p, int pb, int n, float[] values, int v0, int headDim, float[] out, int oh,
                                             float[] keys, int keyAhead, int valueAhead) {
        float touched = 0f;
        for (int c = 0; c < headDim; c += 4 * L) {
            float[] ahead = c == 0 ? keys : values;
            int a = c == 0 ? keyAhead : valueAhead;
            int o0 = oh + c, o1 = o0 + headDim, o2 = o1 + headDim, o3 = o2 + headDim;
            FloatVector s0 = FloatVector.fromArray(F, out, o0), s1 = FloatVector.fromArray(F, out, o0 + L);
            FloatVector s2 = FloatVector.fromArray(F, out, o0 + 2 * L), s3 = FloatVector.fromArray(F, out, o0 + 3 * L);
            FloatVector t0 = FloatVector.fromArray(F, out, o1), t1 = FloatVector.fromArray(F, out, o1 + L);
            FloatVector t2 = FloatVector.fromArray(F, out, o1 + 2 * L), t3 = FloatVector.fromArray(F, out, o1 + 3 * L);
            FloatVector u0 = FloatVector.fromArray(F, out, o2), u1 = FloatVector.fromArray(F, out, o2 + L);
            FloatVector u2 = FloatVector.fromArray(F, out, o2 + 2 * L), u3 = FloatVector.fromArray(F, out, o2 + 3 * L);
            FloatVector z0 = FloatVector.fromArray(F, out, o3), z1 = FloatVector.fromArray(F, out, o3 + L);
            FloatVector z2 = FloatVector.fromArray(F, out, o3 + 2 * L), z3 = FloatVector.fromArray(F, out, o3 + 3 * L);
            for (int i = 0, v = v0 + c; i < n; i++, v += headDim) {
                touched += ahead[a + i * LINE_FLOATS] + ahead[a + (16 + i) * LINE_FLOATS];
                FloatVector r0 = FloatVector.fromArray(F, values, v), r1 = FloatVector.fromArray(F, values, v + L);
                FloatVector r2 = FloatVector.fromArray(F, values, v + 2 * L), r3 = FloatVector.fromArray(F, values, v + 3 * L);
                FloatVector w = FloatVector.broadcast(F, p[pb + i]);
                s0 = r0.fma(w, s0);
                s1 = r1.fma(w, s1);
                s2 = r2.fma(w, s2);
                s3 = r3.fma(w, s3);
                w = FloatVector.broadcast(F, p[pb + KEY_BLOCK + i]);
                t0 = r0.fma(w, t0);
                t1 = r1.fma(w, t1);
                t2 = r2.fma(w, t2);
                t3 = r3.fma(w, t3);
                w = FloatVector.broadcast(F, p[pb + 2 * KEY_BLOCK + i]);
                u0 = r0.fma(w, u0);
                u1 = r1.fma(w, u1);
                u2 = r2.fma(w, u2);
                u3 = r3.fma(w, u3);
                w = FloatVector.broadcast(F, p[pb + 3 * KEY_BLOCK + i]);
                z0 = r0.fma(w, z0);
                z1 = r1.fma(w, z1);
                z2 = r2.fma(w, z2);
                z3 = r3.fma(w, z3);
            }
            s0.intoArray(out, o0);
            s1.intoArray(out, o0 + L);
            s2.intoArray(out, o0 + 2 * L);
            s3.intoArray(out, o0 + 3 * L);
            t0.intoArray(out, o1);
            t1.intoArray(out, o1 + L);
            t2.intoArray(out, o1 + 2 * L);
            t3.intoArray(out, o1 + 3 * L);
            u0.intoArray(out, o2);
            u1.intoArray(out, o2 + L);
            u2.intoArray(out, o2 + 2 * L);
            u3.intoArray(out, o2 + 3 * L);
            z0.intoArray(out, o3);
            z1.intoArray(out, o3 + L);
            z2.intoArray(out, o3 + 2 * L);
            z3.intoArray(out, o3 + 3 * L);
        }
        return touched;
    }

    /** Two-pass scalar twin (scores, max, exponentials, weighted sum), same cache layout. */
    public static void attendScalar(float[] q, int qOff, float[] keys, int keyOff, float[] values, int valueOff, int visible,
                                    float scale, int headDim, float[] out, int outOff) {
        float[] scores = RowScratch.scores(visible); // (this thread's: no allocation per head and token in scalar mode)
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
