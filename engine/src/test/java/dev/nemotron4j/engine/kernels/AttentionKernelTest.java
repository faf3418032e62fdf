package dev.nemotron4j.engine.kernels;

import dev.nemotron4j.engine.state.KvCache;
import dev.nemotron4j.engine.state.KvCacheType;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The blocked online-softmax attention kernel agrees with its two-pass scalar twin at real shapes (head_dim 128,
 * 2 KV heads, 16 query heads per KV head), reading a {@link KvCache} filled the way the model fills it.
 */
class AttentionKernelTest {

    private static KvCache filledCache(Random rnd, int kvHeads, int headDim, int positions) {
        return filledCache(rnd, kvHeads, headDim, positions, KvCacheType.F32);
    }

    private static KvCache filledCache(Random rnd, int kvHeads, int headDim, int positions, KvCacheType type) {
        KvCache cache = new KvCache(kvHeads, headDim, 16, positions, type);
        float[] k = new float[kvHeads * headDim], v = new float[kvHeads * headDim];
        for (int s = 0; s < positions; s++) {
            for (int i = 0; i < k.length; i++) {
                k[i] = (float) rnd.nextGaussian();
                v[i] = (float) rnd.nextGaussian();
            }
            cache.append(k, 0, v, 0);
        }
        return cache;
    }

    @Test
    void onlineSoftmaxMatchesTwoPassTwin() {
        Random rnd = new Random(3);
        int headDim = 128, kvHeads = 2;
        for (int visible : new int[] {1, 5, 15, 16, 17, 333, 4100}) {
            KvCache cache = filledCache(rnd, kvHeads, headDim, visible);
            for (int kvh = 0; kvh < kvHeads; kvh++) {
                float[] q = new float[headDim];
                for (int i = 0; i < headDim; i++) q[i] = (float) rnd.nextGaussian() * (visible == 333 ? 3 : 1); // peaked softmax too
                float[] vec = new float[headDim], scalar = new float[headDim];
                float scale = (float) (1 / Math.sqrt(headDim));
                int head = cache.headOffset(kvh);
                AttentionKernel.attend(q, 0, cache.keys(), head, cache.values(), head, visible, scale, headDim, vec, 0);
                AttentionKernel.attendScalar(q, 0, cache.keys(), head, cache.values(), head, visible, scale, headDim, scalar, 0);
                for (int d = 0; d < headDim; d++) {
                    assertThat(vec[d]).as("visible %d kv head %d dim %d", visible, kvh, d).isCloseTo(scalar[d], within(2e-5f));
                }
            }
        }
    }

    @Test
    void attendsOnlyToTheVisiblePrefix() {
        // Positions past `visible` (the causal mask of a prefill row, or a partly filled key block) must not count:
        // attending to a prefix of a longer cache equals attending to a cache of exactly that prefix.
        int headDim = 128;
        KvCache longer = filledCache(new Random(9), 1, headDim, 40);
        KvCache exact = filledCache(new Random(9), 1, headDim, 21);
        float[] q = new float[headDim];
        Random rnd = new Random(2);
        for (int i = 0; i < headDim; i++) q[i] = (float) rnd.nextGaussian();
        float[] a = new float[headDim], b = new float[headDim];
        AttentionKernel.attend(q, 0, longer.keys(), 0, longer.values(), 0, 21, 0.1f, headDim, a, 0);
        AttentionKernel.attend(q, 0, exact.keys(), 0, exact.values(), 0, 21, 0.1f, headDim, b, 0);
        assertThat(a).containsExactly(b);
    }

    @Test
    void aGroupOfQueryHeadsSharingOneKvHeadMatchesEachHeadAlone() {
        Random rnd = new Random(5);
        int headDim = 128, visible = 1000;
        KvCache cache = filledCache(rnd, 2, headDim, visible);
        for (int heads : new int[] {16, 11, 3}) { // groups of 8 heads, pairs and single remainders
            float[] q = new float[heads * headDim];
            for (int i = 0; i < q.length; i++) q[i] = (float) rnd.nextGaussian();
            float scale = (float) (1 / Math.sqrt(headDim));
            int head = cache.headOffset(1);
            float[] group = new float[heads * headDim];
            AttentionKernel.attendGroup(q, 0, heads, cache.keys(), head, cache.values(), head, visible, scale, headDim, group, 0);
            for (int h = 0; h < heads; h++) {
                float[] alone = new float[headDim], scalar = new float[headDim];
                AttentionKernel.attend(q, h * headDim, cache.keys(), head, cache.values(), head, visible, scale, headDim, alone, 0);
                AttentionKernel.attendScalar(q, h * headDim, cache.keys(), head, cache.values(), head, visible, scale, headDim, scalar, 0);
                for (int d = 0; d < headDim; d++) {
                    assertThat(group[h * headDim + d]).as("%d heads: head %d dim %d bit-identical to alone", heads, h, d).isEqualTo(alone[d]);
                    assertThat(group[h * headDim + d]).as("%d heads: head %d dim %d vs scalar", heads, h, d).isCloseTo(scalar[d], within(2e-5f));
                }
            }
        }
    }

    /**
     * A half-precision cache is widened block by block into the float code: bit-identical to attending a float32
     * cache that holds the widened values, and close to the two-pass scalar twin over them.
     */
    @Test
    void halfPrecisionCacheEqualsFloatCacheOfItsWidenedValues() {
        Random rnd = new Random(11);
        int kvHeads = 2;
        for (int headDim : new int[] {128, 24}) { // 24: not a whole number of vectors, widened whole first
            float scale = (float) (1 / Math.sqrt(headDim));
            for (int visible : new int[] {1, 15, 17, 48, 333, 4100}) {
                KvCache half = filledCache(rnd, kvHeads, headDim, visible, KvCacheType.F16);
                KvCache widened = new KvCache(kvHeads, headDim, 16, visible);
                float[] k = new float[kvHeads * headDim], v = new float[kvHeads * headDim];
                for (int s = 0; s < visible; s++) {
                    for (int h = 0; h < kvHeads; h++) {
                        for (int d = 0; d < headDim; d++) {
                            k[h * headDim + d] = half.key(s, h, d);
                            v[h * headDim + d] = half.value(s, h, d);
                        }
                    }
                    widened.append(k, 0, v, 0);
                }
                for (int heads : new int[] {16, 3}) {
                    float[] q = new float[heads * headDim];
                    for (int i = 0; i < q.length; i++) q[i] = (float) rnd.nextGaussian();
                    int head = half.headOffset(1);
                    float[] fromHalf = new float[heads * headDim], fromFloat = new float[heads * headDim];
                    AttentionKernel.attendGroupHalf(q, 0, heads, half.halfKeys(), head, half.halfValues(), head, visible, scale, headDim, fromHalf, 0);
                    AttentionKernel.attendGroup(q, 0, heads, widened.keys(), head, widened.values(), head, visible, scale, headDim, fromFloat, 0);
                    assertThat(fromHalf).as("visible %d, %d heads", visible, heads).containsExactly(fromFloat);
                    float[] scalar = new float[headDim];
                    AttentionKernel.attendScalar(q, 2 * headDim, widened.keys(), head, widened.values(), head, visible, scale, headDim, scalar, 0);
                    for (int d = 0; d < headDim; d++) {
                        assertThat(fromHalf[2 * headDim + d]).as("visible %d dim %d vs scalar", visible, d).isCloseTo(scalar[d], within(2e-5f));
                    }
                }
            }
        }
    }

    /**
     * An FP8 cache is widened block by block into the float code: bit-identical to attending a float32 cache that holds
     * the widened values (code × scale).
     */
    @Test
    void fp8CacheEqualsFloatCacheOfItsWidenedValues() {
        Random rnd = new Random(13);
        int kvHeads = 2;
        for (int headDim : new int[] {128, 24}) {
            float scale = (float) (1 / Math.sqrt(headDim));
            for (int visible : new int[] {1, 15, 17, 48, 333, 4100}) {
                KvCache fp8 = new KvCache(kvHeads, headDim, 16, visible, KvCacheType.FP8, 0.75f, 1.5f);
                KvCache widened = new KvCache(kvHeads, headDim, 16, visible);
                float[] k = new float[kvHeads * headDim], v = new float[kvHeads * headDim];
                for (int s = 0; s < visible; s++) {
                    for (int i = 0; i < k.length; i++) {
                        k[i] = (float) rnd.nextGaussian();
                        v[i] = (float) rnd.nextGaussian();
                    }
                    fp8.append(k, 0, v, 0);
                    for (int h = 0; h < kvHeads; h++) {
                        for (int d = 0; d < headDim; d++) {
                            k[h * headDim + d] = fp8.key(s, h, d);
                            v[h * headDim + d] = fp8.value(s, h, d);
                        }
                    }
                    widened.append(k, 0, v, 0);
                }
                for (int heads : new int[] {16, 3}) {
                    float[] q = new float[heads * headDim];
                    for (int i = 0; i < q.length; i++) q[i] = (float) rnd.nextGaussian();
                    int head = fp8.headOffset(1);
                    float[] fromFp8 = new float[heads * headDim], fromFloat = new float[heads * headDim];
                    AttentionKernel.attendGroupFp8(q, 0, heads, fp8.fp8Keys(), head, fp8.keyScale(), fp8.fp8Values(), head, fp8.valueScale(),
                            visible, scale, headDim, fromFp8, 0);
                    AttentionKernel.attendGroup(q, 0, heads, widened.keys(), head, widened.values(), head, visible, scale, headDim, fromFloat, 0);
                    assertThat(fromFp8).as("visible %d, %d heads, head dim %d", visible, heads, headDim).containsExactly(fromFloat);
                }
            }
        }
    }
}
