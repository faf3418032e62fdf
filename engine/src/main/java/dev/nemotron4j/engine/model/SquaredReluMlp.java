package dev.nemotron4j.engine.model;

import dev.nemotron4j.engine.kernels.MatMul;
import dev.nemotron4j.engine.kernels.WeightMatrix;
import dev.nemotron4j.engine.kernels.WorkerPool;

/**
 * {@code relu(x · upᵀ)² · downᵀ} — the feed-forward of every expert, the shared expert and the dense MLP
 * (ARCHITECTURE.md §7–§8). No gate projection.
 */
public record SquaredReluMlp(WeightMatrix up, WeightMatrix down, float[] upBias, float[] downBias) {

    public int width() {
        return up.rows();
    }

    /**
     * Computes {@code rows} input rows at once.
     *
     * @param hiddenBuf scratch of at least rows × width floats
     */
    public void forward(float[] in, int rows, float[] hiddenBuf, float[] out, WorkerPool pool) {
        int f = up.rows();
        MatMul.multiply(up, in, rows, hiddenBuf, pool);
        for (int r = 0; r < rows; r++) {
            int base = r * f;
            for (int i = 0; i < f; i++) {
                float a = hiddenBuf[base + i] + (upBias == null ? 0f : upBias[i]);
                a = a > 0f ? a : 0f;
                hiddenBuf[base + i] = a * a;
            }
        }
        MatMul.multiply(down, hiddenBuf, rows, out, pool);
        if (downBias != null) {
            int h = down.rows();
            for (int r = 0; r < rows; r++) for (int j = 0; j < h; j++) out[r * h + j] += downBias[j];
        }
    }

    public long parameterCount() {
        return (long) up.rows() * up.cols() + (long) down.rows() * down.cols()
                + (upBias == null ? 0 : upBias.length) + (downBias == null ? 0 : downBias.length);
    }

    public long byteSize() {
        return up.byteSize() + down.byteSize();
    }
}
