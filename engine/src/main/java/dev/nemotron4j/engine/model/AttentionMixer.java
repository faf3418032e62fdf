package dev.nemotron4j.engine.model;

import dev.nemotron4j.engine.kernels.AttentionKernel;
import dev.nemotron4j.engine.kernels.MatMul;
import dev.nemotron4j.engine.kernels.WeightMatrix;
import dev.nemotron4j.engine.kernels.WorkerPool;
import dev.nemotron4j.engine.state.KvCache;

/**
 * Causal grouped-query self-attention without any positional encoding (ARCHITECTURE.md §6): query head j
 * reads KV head ⌊j / (heads/kvHeads)⌋, scores are scaled by head_dim^−½, softmax in float32 over the
 * sequence's cached keys plus the segment's own (causally masked).
 */
public final class AttentionMixer implements Mixer {

    private final int layer, hidden, heads, kvHeads, headDim, qWidth, kvWidth, queriesPerKv;
    private final float scale;
    private final WeightMatrix qProj, kProj, vProj, oProj;
    private final float[] qBias, kBias, vBias, oBias;
    private final WorkerPool pool;
    private float keyCacheScale = 1f, valueCacheScale = 1f;

    private float[] q = new float[0], k = new float[0], v = new float[0], o = new float[0];
    // the segment being attended, read by attendRange (a field, so a decode step allocates no lambda)
    private KvCache segCache;
    private int segRow0, segPast;
    private final WorkerPool.RangeBody attendRange = this::attendPairs;

    /** An attention layer over its bound weights (built by the model loader). */
    public AttentionMixer(int layer, ModelConfig c, WeightMatrix qProj, WeightMatrix kProj, WeightMatrix vProj, WeightMatrix oProj,
                   float[] qBias, float[] kBias, float[] vBias, float[] oBias, WorkerPool pool) {
        this.layer = layer;
        this.hidden = c.hiddenSize();
        this.heads = c.numAttentionHeads();
        this.kvHeads = c.numKeyValueHeads();
        this.headDim = c.headDim();
        this.qWidth = heads * headDim;
        this.kvWidth = kvHeads * headDim;
        this.queriesPerKv = heads / kvHeads;
        this.scale = (float) (1.0 / Math.sqrt(headDim));
        this.qProj = qProj;
        this.kProj = kProj;
        this.vProj = vProj;
        this.oProj = oProj;
        this.qBias = qBias;
        this.kBias = kBias;
        this.vBias = vBias;
        this.oBias = oBias;
        this.pool = pool;
    }

    @Override
    public void forward(BatchLayout batch, float[] in, float[] out, ForwardObserver obs) {
        int rows = batch.rows();
        if (q.length < rows * qWidth) {
            q = new float[rows * qWidth];
            o = new float[rows * qWidth];
            k = new float[rows * kvWidth];
            v = new float[rows * kvWidth];
        }
        MatMul.multiply(qProj, in, rows, q, pool);
        MatMul.multiply(kProj, in, rows, k, pool);
        MatMul.multiply(vProj, in, rows, v, pool);
        if (qBias != null) addBias(q, rows, qWidth, qBias);
        if (kBias != null) addBias(k, rows, kvWidth, kBias);
        if (vBias != null) addBias(v, rows, kvWidth, vBias);

        for (int s = 0; s < batch.segments(); s++) {
            int r0 = batch.start(s), len = batch.length(s);
            if (len == 0) continue;
            KvCache cache = batch.state(s).kv(layer);
            int past = cache.length();
            cache.ensureCapacity(len);
            for (int t = 0; t < len; t++) cache.append(k, (r0 + t) * kvWidth, v, (r0 + t) * kvWidth);
            // (row, head) pairs are independent: spread them over the pool
            segCache = cache;
            segRow0 = r0;
            segPast = past;
            if (pool == null) attendRange.run(0, len * kvHeads);
            else pool.parallelFor(len * kvHeads, 1, attendRange);
        }
        MatMul.multiply(oProj, o, rows, out, pool);
        if (oBias != null) addBias(out, rows, hidden, oBias);
    }

    /** Attends (row, KV head) pairs {@code [a, b)} of the current segment, pair i = row i / kvHeads, KV head i % kvHeads. */
    private void attendPairs(int a, int b) {
        for (int i = a; i < b; i++) attend(segCache, segRow0 + i / kvHeads, i % kvHeads, segPast + i / kvHeads + 1);
    }

    /**
     * The FP8 attention cache's scales for this layer (a ModelOpt checkpoint's {@code k_proj.k_scale} and
     * {@code v_proj.v_scale}; 1.0 unless set): an FP8 cache stores E4M3(k / keyScale) and E4M3(v / valueScale).
     */
    public void setKvCacheScales(float keyScale, float valueScale) {
        if (!(keyScale > 0 && valueScale > 0 && Float.isFinite(keyScale) && Float.isFinite(valueScale))) {
            throw new IllegalArgumentException("layer " + layer + ": KV cache scales must be positive and finite: " + keyScale + ", " + valueScale);
        }
        this.keyCacheScale = keyScale;
        this.valueCacheScale = valueScale;
    }

    public float keyCacheScale() {
        return keyCacheScale;
    }

    public float valueCacheScale() {
        return valueCacheScale;
    }

    /** Output of the query heads of KV head {@code kvh} for one row attending to cache positions [0, visible). */
    private void attend(KvCache cache, int row, int kvh, int visible) {
        int off = row * qWidth + kvh * queriesPerKv * headDim;
        int head = cache.headOffset(kvh);
        switch (cache.type()) {
            case F32 -> AttentionKernel.attendGroup(q, off, queriesPerKv, cache.keys(), head, cache.values(), head, visible, scale, headDim, o, off);
            case F16 -> AttentionKernel.attendGroupHalf(q, off, queriesPerKv, cache.halfKeys(), head, cache.halfValues(), head, visible, scale, headDim, o, off);
            case FP8 -> AttentionKernel.attendGroupFp8(q, off, queriesPerKv, cache.fp8Keys(), head, cache.keyScale(), cache.fp8Values(), head,
                    cache.valueScale(), visible, scale, headDim, o, off);
        }
    }

    private static void addBias(float[] a, int rows, int width, float[] bias) {
        for (int r = 0; r < rows; r++) for (int j = 0; j < width; j++) a[r * width + j] += bias[j];
    }

    @Override
    public long parameterCount() {
        long p = 0;
        for (WeightMatrix w : new WeightMatrix[] {qProj, kProj, vProj, oProj}) p += (long) w.rows() * w.cols();
        for (float[] b : new float[][] {qBias, kBias, vBias, oBias}) if (b != null) p += b.length;
        return p;
    }

    @Override
    public long activeWeightBytes() {
        return qProj.byteSize() + kProj.byteSize() + vProj.byteSize() + oProj.byteSize();
    }
}
