package dev.nemotron4j.train.model.fast;

import dev.nemotron4j.engine.kernels.WorkerPool;

import java.util.List;

/**
 * Causal grouped-query attention without positions over a packed row, in float32: each document attends only to
 * itself. Projections are whole-row matrix products; per (document, head) the scores {@code Q·Kᵀ}, the weighted
 * values {@code P·V} and their backward are matrix products on {@link FloatGemm#kernel} in row blocks that skip
 * the masked upper triangle. Softmax weights are kept, [head][document rows]², for the backward.
 *
 * <p>Forward work is split over (document, query head), backward over (document, KV head): a KV head's gradient
 * sums its query heads in head order on one thread, so results do not depend on the thread count.
 */
final class FastAttention implements FastMixer {
    /** Query rows per block of the causal products. */
    private static final int BLOCK = 32;

    private final FloatWeight qProj, kProj, vProj, oProj;
    private final int hidden, heads, kvHeads, headDim, qWidth, kvWidth, perKv;
    private final float scale;
    private final FloatGemm gemm;
    private final WorkerPool pool;

    private float[] x;
    private SequenceLayout layout;
    private float[] q = new float[0], k = new float[0], v = new float[0], o = new float[0];
    private float[] kT = new float[0], vT = new float[0]; // [kvHeads][headDim][rows]
    private float[] probs = new float[0], dProbs = new float[0]; // per (document, head): len² from probBase
    private int[] probBase = new int[1];
    private float[] dO = new float[0], dq = new float[0], dk = new float[0], dv = new float[0];
    private final WorkerPool.RangeBody forwardTasks = this::forwardRange, backwardTasks = this::backwardRange;

    FastAttention(FloatWeight qProj, FloatWeight kProj, FloatWeight vProj, FloatWeight oProj, int heads, int kvHeads,
                  int headDim, FloatGemm gemm, WorkerPool pool) {
        this.qProj = qProj;
        this.kProj = kProj;
        this.vProj = vProj;
        this.oProj = oProj;
        this.hidden = qProj.cols;
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.qWidth = heads * headDim;
        this.kvWidth = kvHeads * headDim;
        this.perKv = heads / kvHeads;
        this.scale = (float) (1.0 / Math.sqrt(headDim));
        this.gemm = gemm;
        this.pool = pool;
        if (heads % kvHeads != 0) throw new IllegalArgumentException(heads + " query heads do not share " + kvHeads + " KV heads evenly");
    }

    @Override
    public void ensureCapacity(int maxRows) {
        if (q.length >= maxRows * qWidth) return;
        q = new float[maxRows * qWidth];
        o = new float[maxRows * qWidth];
        dO = new float[maxRows * qWidth];
        dq = new float[maxRows * qWidth];
        k = new float[maxRows * kvWidth];
        v = new float[maxRows * kvWidth];
        dk = new float[maxRows * kvWidth];
        dv = new float[maxRows * kvWidth];
        kT = new float[maxRows * kvWidth];
        vT = new float[maxRows * kvWidth];
        probs = new float[heads * maxRows * maxRows];
        dProbs = new float[heads * maxRows * maxRows];
    }

    @Override
    public void forward(float[] in, float[] out, SequenceLayout layout) {
        this.x = in;
        this.layout = layout;
        int rows = layout.rows;
        gemm.multiply(rows, qWidth, hidden, in, 0, hidden, 1, qProj.wT, 0, qWidth, q, 0, qWidth, false);
        gemm.multiply(rows, kvWidth, hidden, in, 0, hidden, 1, kProj.wT, 0, kvWidth, k, 0, kvWidth, false);
        gemm.multiply(rows, kvWidth, hidden, in, 0, hidden, 1, vProj.wT, 0, kvWidth, v, 0, kvWidth, false);
        transposeHeads(k, kT, rows);
        if (probBase.length < layout.segments + 1) probBase = new int[layout.segments + 1];
        probBase[0] = 0;
        for (int s = 0; s < layout.segments; s++) {
            int len = layout.bounds[s + 1] - layout.bounds[s];
            probBase[s + 1] = probBase[s] + heads * len * len;
        }
        pool.parallelFor(layout.segments * heads, 1, forwardTasks);
        gemm.multiply(rows, hidden, qWidth, o, 0, qWidth, 1, oProj.wT, 0, hidden, out, 0, hidden, false);
    }

    /** {@code dst[g][d][t] = src[t][g·headDim + d]}: each KV head's keys (or values) as [headDim, rows]. */
    private void transposeHeads(float[] src, float[] dst, int rows) {
        for (int t = 0; t < rows; t++) {
            for (int c = 0; c < kvWidth; c++) dst[c * rows + t] = src[t * kvWidth + c];
        }
    }

    /** Tasks: (document, query head) pairs. */
    private void forwardRange(int start, int end) {
        int rows = layout.rows;
        for (int task = start; task < end; task++) {
            int seg = task / heads, h = task % heads, g = h / perKv;
            int s0 = layout.bounds[seg], len = layout.bounds[seg + 1] - s0;
            int pOff = probBase[seg] + h * len * len;
            int qOff = s0 * qWidth + h * headDim, kvOff = s0 * kvWidth + g * headDim;
            for (int r0 = 0; r0 < len; r0 += BLOCK) {
                int r1 = Math.min(len, r0 + BLOCK);
                // scores[t, s] = q_t · k_s for s < r1
                FloatGemm.kernel(q, qOff, qWidth, 1, kT, g * headDim * rows + s0, rows, probs, pOff, len,
                        r0, r1, 0, r1, 0, headDim, false);
                for (int t = r0; t < r1; t++) softmaxRow(probs, pOff + t * len, t + 1, len);
                FloatGemm.kernel(probs, pOff, len, 1, v, kvOff, kvWidth, o, qOff, qWidth, r0, r1, 0, headDim, 0, r1, false);
            }
        }
    }

    /** Row of raw scores → softmax of {@code scale·score} over the first {@code n}; the rest of the row zeroed. */
    private void softmaxRow(float[] p, int off, int n, int len) {
        float max = Softmax.max(p, off, n, scale);
        double z = Softmax.expShifted(p, off, n, scale, max);
        float inv = (float) (1.0 / z);
        RowOps.scale(inv, p, off, p, off, n);
        java.util.Arrays.fill(p, off + n, off + len, 0f);
    }

    @Override
    public void backward(float[] dy, float[] dx) {
        int rows = layout.rows;
        // dO = dy·Wo; dWo += dyᵀ·o
        gemm.multiply(rows, qWidth, hidden, dy, 0, hidden, 1, oProj.w, 0, qWidth, dO, 0, qWidth, false);
        gemm.multiply(hidden, qWidth, rows, dy, 0, 1, hidden, o, 0, qWidth, oProj.grad, 0, qWidth, true);
        transposeHeads(v, vT, rows);
        java.util.Arrays.fill(dk, 0, rows * kvWidth, 0f);
        java.util.Arrays.fill(dv, 0, rows * kvWidth, 0f);
        pool.parallelFor(layout.segments * kvHeads, 1, backwardTasks);
        // dx = dq·Wq + dk·Wk + dv·Wv; dW += d(q|k|v)ᵀ·x
        gemm.multiply(rows, hidden, qWidth, dq, 0, qWidth, 1, qProj.w, 0, hidden, dx, 0, hidden, false);
        gemm.multiply(rows, hidden, kvWidth, dk, 0, kvWidth, 1, kProj.w, 0, hidden, dx, 0, hidden, true);
        gemm.multiply(rows, hidden, kvWidth, dv, 0, kvWidth, 1, vProj.w, 0, hidden, dx, 0, hidden, true);
        gemm.multiply(qWidth, hidden, rows, dq, 0, 1, qWidth, x, 0, hidden, qProj.grad, 0, hidden, true);
        gemm.multiply(kvWidth, hidden, rows, dk, 0, 1, kvWidth, x, 0, hidden, kProj.grad, 0, hidden, true);
        gemm.multiply(kvWidth, hidden, rows, dv, 0, 1, kvWidth, x, 0, hidden, vProj.grad, 0, hidden, true);
    }

    /** Tasks: (document, KV head) pairs; each runs its query heads in order. */
    private void backwardRange(int start, int end) {
        int rows = layout.rows;
        for (int task = start; task < end; task++) {
            int seg = task / kvHeads, g = task % kvHeads;
            int s0 = layout.bounds[seg], len = layout.bounds[seg + 1] - s0;
            int kvOff = s0 * kvWidth + g * headDim;
            for (int h = g * perKv; h < (g + 1) * perKv; h++) {
                int pOff = probBase[seg] + h * len * len, qOff = s0 * qWidth + h * headDim;
                for (int r0 = 0; r0 < len; r0 += BLOCK) {
                    int r1 = Math.min(len, r0 + BLOCK);
                    // dP[t, s] = dO_t · v_s for s < r1, then dS = P ⊙ (dP − Σ P·dP) · scale
                    FloatGemm.kernel(dO, qOff, qWidth, 1, vT, g * headDim * rows + s0, rows, dProbs, pOff, len,
                            r0, r1, 0, r1, 0, headDim, false);
                    for (int t = r0; t < r1; t++) softmaxBackwardRow(probs, dProbs, pOff + t * len, t + 1, len);
                    // dq_t = Σ_s dS[t, s]·k_s
                    FloatGemm.kernel(dProbs, pOff, len, 1, k, kvOff, kvWidth, dq, qOff, qWidth, r0, r1, 0, headDim, 0, r1, false);
                }
                for (int r0 = 0; r0 < len; r0 += BLOCK) {
                    int r1 = Math.min(len, r0 + BLOCK);
                    // dk_s += Σ_{t ≥ s} dS[t, s]·q_t, dv_s += Σ_{t ≥ s} P[t, s]·dO_t
                    FloatGemm.kernel(dProbs, pOff, 1, len, q, qOff, qWidth, dk, kvOff, kvWidth, r0, r1, 0, headDim, r0, len, true);
                    FloatGemm.kernel(probs, pOff, 1, len, dO, qOff, qWidth, dv, kvOff, kvWidth, r0, r1, 0, headDim, r0, len, true);
                }
            }
        }
    }

    /** {@code dp[s] = p[s]·(dp[s] − Σ p·dp)·scale} for {@code s < n}; zero for the rest of the row. */
    private void softmaxBackwardRow(float[] p, float[] dp, int off, int n, int len) {
        double sum = 0;
        for (int s = 0; s < n; s++) sum += (double) p[off + s] * dp[off + s];
        float c = (float) sum;
        for (int s = 0; s < n; s++) dp[off + s] = p[off + s] * (dp[off + s] - c) * scale;
        java.util.Arrays.fill(dp, off + n, off + len, 0f);
    }

    @Override
    public List<FloatWeight> weights() {
        return List.of(qProj, kProj, vProj, oProj);
    }
}
