package dev.nemotron4j.engine.bench;

import dev.nemotron4j.engine.kernels.AttentionKernel;
import dev.nemotron4j.engine.state.KvCache;
import dev.nemotron4j.engine.state.KvCacheType;

import java.util.Random;

/**
 * One decode row of attention over a long cache, single thread (a manual benchmark, not a test): the 16 query
 * heads of one KV head, head_dim 128, as in Nemotron 3 Nano.
 * {@code java -cp ... [-Dkv=f16] dev.nemotron4j.engine.bench.AttentionBench [positions...]}; prints the best time
 * of 2 s of calls per context length, for a float32 cache or ({@code -Dkv=f16}) a half-precision one.
 */
public final class AttentionBench {
    public static void main(String[] args) {
        int headDim = 128, heads = 16, kvHeads = 2;
        String[] lengths = args.length > 0 ? args : new String[] {"1024", "32768"};
        KvCacheType type = KvCacheType.parse(System.getProperty("kv", "f32"));
        for (String arg : lengths) {
            int visible = Integer.parseInt(arg);
            KvCache cache = new KvCache(kvHeads, headDim, visible, visible, type);
            Random rnd = new Random(1);
            float[] k = new float[kvHeads * headDim], v = new float[kvHeads * headDim];
            for (int s = 0; s < visible; s++) {
                for (int i = 0; i < k.length; i++) {
                    k[i] = (float) rnd.nextGaussian();
                    v[i] = (float) rnd.nextGaussian();
                }
                cache.append(k, 0, v, 0);
            }
            float[] q = new float[heads * headDim], out = new float[heads * headDim];
            for (int i = 0; i < q.length; i++) q[i] = (float) rnd.nextGaussian();
            float scale = (float) (1 / Math.sqrt(headDim));
            for (int rep = 0; rep < 3; rep++) {
                long best = Long.MAX_VALUE, end = System.nanoTime() + 2_000_000_000L;
                while (System.nanoTime() < end) {
                    long t = System.nanoTime();
                    if (type == KvCacheType.F16) {
                        AttentionKernel.attendGroupHalf(q, 0, heads, cache.halfKeys(), 0, cache.halfValues(), 0, visible, scale, headDim, out, 0);
                    } else {
                        AttentionKernel.attendGroup(q, 0, heads, cache.keys(), 0, cache.values(), 0, visible, scale, headDim, out, 0);
                    }
                    best = Math.min(best, System.nanoTime() - t);
                }
                System.out.printf("%s %d positions: best %.3f ms, %.1f ns per position%n", type, visible, best / 1e6, best / (double) visible);
            }
        }
    }
}
