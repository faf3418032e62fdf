package dev.nemotron4j.train.model.fast;

import dev.nemotron4j.engine.kernels.WorkerPool;

import java.util.Arrays;

/**
 * The LM head and the next-token cross-entropy of the masked positions, forward and backward in one pass: only the
 * masked rows are gathered and multiplied ({@code logits = x·Wᵀ}), each row's log-sum-exp is summed in double, and
 * {@code dLogits = scale·(softmax − onehot)} flows back through two more products.
 */
final class FastLmHead {

    final FloatWeight weight; // [vocab, hidden]
    private final int vocab, hidden;
    private final FloatGemm gemm;
    private final WorkerPool pool;
    private int[] positions = new int[0], targets = new int[0];
    private float[] xm = new float[0], logits = new float[0], dxm = new float[0];
    private double[] rowLoss = new double[0];
    private float scale;
    private final WorkerPool.RangeBody lossRows = this::lossRange;

    FastLmHead(FloatWeight weight, FloatGemm gemm, WorkerPool pool) {
        this.weight = weight;
        this.vocab = weight.rows;
        this.hidden = weight.cols;
        this.gemm = gemm;
        this.pool = pool;
    }

    void ensureCapacity(int maxRows) {
        if (positions.length >= maxRows) return;
        positions = new int[maxRows];
        targets = new int[maxRows];
        rowLoss = new double[maxRows];
        xm = new float[maxRows * hidden];
        dxm = new float[maxRows * hidden];
        logits = new float[maxRows * vocab];
    }

    /**
     * The summed loss of the masked positions of {@code x} (final-normed rows) against the next tokens; writes
     * {@code dx = scale·dLoss/dx} for every row (zero where unmasked) and adds {@code scale·dLoss/dW} to the head.
     *
     * @return the loss sum; {@link #count()} is the number of masked positions
     */
    double lossAndBackward(float[] x, int rows, int[] tokens, boolean[] mask, float scale, float[] dx) {
        int m = 0;
        for (int t = 0; t < rows; t++) {
            if (!mask[t]) continue;
            positions[m] = t;
            targets[m] = tokens[t + 1];
            System.arraycopy(x, t * hidden, xm, m * hidden, hidden);
            m++;
        }
        this.count = m;
        this.scale = scale;
        Arrays.fill(dx, 0, rows * hidden, 0f);
        if (m == 0) return 0;
        gemm.multiply(m, vocab, hidden, xm, 0, hidden, 1, weight.wT, 0, vocab, logits, 0, vocab, false);
        pool.parallelFor(m, 4, lossRows);
        double sum = 0;
        for (int r = 0; r < m; r++) sum += rowLoss[r];
        gemm.multiply(m, hidden, vocab, logits, 0, vocab, 1, weight.w, 0, hidden, dxm, 0, hidden, false);
        gemm.multiply(vocab, hidden, m, logits, 0, 1, vocab, xm, 0, hidden, weight.grad, 0, hidden, true);
        for (int r = 0; r < m; r++) System.arraycopy(dxm, r * hidden, dx, positions[r] * hidden, hidden);
        return sum;
    }

    private int count;

    int count() {
        return count;
    }

    /** Per masked row: loss = log Σ exp(l − max) − (l_target − max); the row becomes {@code scale·(p − onehot)}. */
    private void lossRange(int start, int end) {
        for (int r = start; r < end; r++) {
            int b = r * vocab;
            float max = Softmax.max(logits, b, vocab, 1f);
            float target = logits[b + targets[r]];
            double z = Softmax.expShifted(logits, b, vocab, 1f, max);
            rowLoss[r] = Math.log(z) - ((double) target - max);
            RowOps.scale((float) (scale / z), logits, b, logits, b, vocab);
            logits[b + targets[r]] -= scale;
        }
    }
}
