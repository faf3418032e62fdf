package dev.nemotron4j.engine.kernels;

/**
 * {@code out = x · Wᵀ} for a batch of input rows: out[b, o] = dot(W[o], x[b]). Work is split over output
 * rows, and each weight row is used for every batch row while it is in cache, so a batched step reads
 * each weight once however many sequences it serves.
 */
public final class MatMul {
    private MatMul() {}

    /** Below this many multiply-adds a loop runs on the calling thread only. */
    private static final long PARALLEL_THRESHOLD = 1 << 15;

    /** Input rows processed together against each weight row (32 rows of 2688 floats ≈ 344 KB). */
    static final int BATCH_TILE = 32;

    /**
     * @param x   input rows, row b at {@code x[b*w.cols()]}
     * @param out output rows, row b at {@code out[b*w.rows()]}
     */
    public static void multiply(WeightMatrix w, float[] x, int batch, float[] out, WorkerPool pool) {
        multiply(w, x, 0, w.cols(), batch, out, 0, w.rows(), pool);
    }

    /** General form with explicit offsets and row strides. */
    public static void multiply(WeightMatrix w, float[] x, int xOff, int xStride, int batch,
                                float[] out, int outOff, int outStride, WorkerPool pool) {
        int rows = w.rows();
        long work = (long) rows * w.cols() * batch;
        if (pool == null || work < PARALLEL_THRESHOLD) {
            range(w, x, xOff, xStride, batch, out, outOff, outStride, 0, rows);
            return;
        }
        int grain = Math.max(4, rows / (pool.threads() * 8));
        pool.parallelFor(rows, grain, (s, e) -> range(w, x, xOff, xStride, batch, out, outOff, outStride, s, e));
    }

    private static void range(WeightMatrix w, float[] x, int xOff, int xStride, int batch,
                              float[] out, int outOff, int outStride, int start, int end) {
        // Batch tiles keep a tile of input rows in L2 while every weight row of the range passes over them.
        for (int b0 = 0; b0 < batch; b0 += BATCH_TILE) {
            int n = Math.min(BATCH_TILE, batch - b0);
            int xo = xOff + b0 * xStride, oo = outOff + b0 * outStride;
            for (int o = start; o < end; o++) w.dotRows(o, x, xo, xStride, n, out, oo + o, outStride);
        }
    }

    /** Scalar reference of {@link #multiply(WeightMatrix, float[], int, float[], WorkerPool)}. */
    public static void multiplyScalar(WeightMatrix w, float[] x, int batch, float[] out) {
        for (int b = 0; b < batch; b++) {
            for (int o = 0; o < w.rows(); o++) out[b * w.rows() + o] = w.dotScalar(o, x, b * w.cols());
        }
    }
}
