package dev.nemotron4j.train.layers;

import java.util.List;

/**
 * Causal grouped-query attention without positions (ARCHITECTURE.md §6): query head j reads KV head
 * ⌊j / (heads/kvHeads)⌋, scores scaled by head_dim^−½, softmax over positions ≤ t; and its backward.
 */
public final class AttentionLayer implements MixerLayer {
    private final Param qProj, kProj, vProj, oProj;
    private final int hidden, heads, kvHeads, headDim, qWidth, kvWidth;
    private final double scale;
    private double[] x, q, k, v, o, p; // p: [heads][t][s] softmax weights
    private int rows;

    public AttentionLayer(Param qProj, Param kProj, Param vProj, Param oProj, int hidden, int heads, int kvHeads, int headDim) {
        this.qProj = qProj;
        this.kProj = kProj;
        this.vProj = vProj;
        this.oProj = oProj;
        this.hidden = hidden;
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.qWidth = heads * headDim;
        this.kvWidth = kvHeads * headDim;
        this.scale = 1.0 / Math.sqrt(headDim);
    }

    @Override
    public double[] forward(double[] in, int rows) {
        this.x = in;
        this.rows = rows;
        q = Linear.forward(in, rows, hidden, qProj.value(), qWidth);
        k = Linear.forward(in, rows, hidden, kProj.value(), kvWidth);
        v = Linear.forward(in, rows, hidden, vProj.value(), kvWidth);
        o = new double[rows * qWidth];
        p = new double[heads * rows * rows];
        int perKv = heads / kvHeads;
        for (int h = 0; h < heads; h++) {
            int kvOff = (h / perKv) * headDim, qOff = h * headDim;
            for (int t = 0; t < rows; t++) {
                int pb = (h * rows + t) * rows;
                double max = Double.NEGATIVE_INFINITY;
                for (int s = 0; s <= t; s++) {
                    double dot = 0;
                    for (int d = 0; d < headDim; d++) dot += q[t * qWidth + qOff + d] * k[s * kvWidth + kvOff + d];
                    p[pb + s] = dot * scale;
                    max = Math.max(max, p[pb + s]);
                }
                double z = 0;
                for (int s = 0; s <= t; s++) {
                    p[pb + s] = Math.exp(p[pb + s] - max);
                    z += p[pb + s];
                }
                for (int s = 0; s <= t; s++) {
                    p[pb + s] /= z;
                    for (int d = 0; d < headDim; d++) o[t * qWidth + qOff + d] += p[pb + s] * v[s * kvWidth + kvOff + d];
                }
            }
        }
        return Linear.forward(o, rows, qWidth, oProj.value(), hidden);
    }

    @Override
    public double[] backward(double[] dy) {
        double[] dO = Linear.backward(o, dy, rows, qWidth, oProj.value(), oProj.grad(), hidden);
        double[] dq = new double[q.length], dk = new double[k.length], dv = new double[v.length];
        double[] dp = new double[rows];
        int perKv = heads / kvHeads;
        for (int h = 0; h < heads; h++) {
            int kvOff = (h / perKv) * headDim, qOff = h * headDim;
            for (int t = 0; t < rows; t++) {
                int pb = (h * rows + t) * rows;
                double sum = 0;
                for (int s = 0; s <= t; s++) {
                    double g = 0;
                    for (int d = 0; d < headDim; d++) {
                        g += dO[t * qWidth + qOff + d] * v[s * kvWidth + kvOff + d];
                        dv[s * kvWidth + kvOff + d] += p[pb + s] * dO[t * qWidth + qOff + d];
                    }
                    dp[s] = g;
                    sum += p[pb + s] * g;
                }
                for (int s = 0; s <= t; s++) {
                    double ds = p[pb + s] * (dp[s] - sum) * scale;
                    for (int d = 0; d < headDim; d++) {
                        dq[t * qWidth + qOff + d] += ds * k[s * kvWidth + kvOff + d];
                        dk[s * kvWidth + kvOff + d] += ds * q[t * qWidth + qOff + d];
                    }
                }
            }
        }
        double[] dx = Linear.backward(x, dq, rows, hidden, qProj.value(), qProj.grad(), qWidth);
        double[] dxk = Linear.backward(x, dk, rows, hidden, kProj.value(), kProj.grad(), kvWidth);
        double[] dxv = Linear.backward(x, dv, rows, hidden, vProj.value(), vProj.grad(), kvWidth);
        for (int i = 0; i < dx.length; i++) dx[i] += dxk[i] + dxv[i];
        return dx;
    }

    @Override
    public List<Param> params() {
        return List.of(qProj, kProj, vProj, oProj);
    }
}
