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
        if (w instanceof Q8_0Matrix q8 && Q8_0Matrix.splitInputs()) {
            multiplySplit(q8, x, xOff, xStride, batch, out, outOff, outStride, pool);
            return;
        }
        if (pool == null || work < PARALLEL_THRESHOLD) {
            range(w, x, xOff, xStride, batch, out, outOff, outStride, 0, rows);
            return;
        }
        // A multiple of 4 so that chunks split into whole row blocks (HalfFloatKernel.ROW_BLOCK).
        int grain = (Math.max(4, rows / (pool.threads() * 8)) + 3) & ~3;
        Task task = TASK.get().set(w, x, xOff, xStride, batch, out, outOff, outStride);
        try {
            pool.parallelFor(rows, grain, task);
        } finally {
            task.clear();
        }
    }

    private static final ThreadLocal<Task> TASK = ThreadLocal.withInitial(Task::new);

    /**
     * One product's arguments as a reusable loop body: a capturing lambda would allocate on every call, and
     * decode issues dozens of products per token. One per calling thread; the pool finishes a loop before
     * {@code multiply} returns, so reuse is safe.
     */
    private static final class Task implements WorkerPool.RangeBody {
        private WeightMatrix w;
        private float[] x, out;
        private int xOff, xStride, batch, outOff, outStride;

        Task set(WeightMatrix w, float[] x, int xOff, int xStride, int batch, float[] out, int outOff, int outStride) {
            this.w = w;
            this.x = x;
            this.xOff = xOff;
            this.xStride = xStride;
            this.batch = batch;
            this.out = out;
            this.outOff = outOff;
            this.outStride = outStride;
            return this;
        }

        void clear() {
            w = null;
            x = null;
            out = null;
        }

        @Override
        public void run(int start, int end) {
            range(w, x, xOff, xStride, batch, out, outOff, outStride, start, end);
        }
    }

    private static final ThreadLocal<SplitTask> SPLIT_TASK = ThreadLocal.withInitial(SplitTask::new);

    /**
     * Q8_0 against a batch: split every input row into even/odd halves once per product, not once per weight
     * row (two lane shuffles per block saved in every dot product, decode included).
     */
    private static void multiplySplit(Q8_0Matrix w, float[] x, int xOff, int xStride, int batch,
                                      float[] out, int outOff, int outStride, WorkerPool pool) {
        int cols = w.cols();
        SplitTask task = SPLIT_TASK.get();
        if (task.split.length < batch * cols) task.split = new float[batch * cols];
        for (int b = 0; b < batch; b++) Q8Paired.split(x, xOff + b * xStride, task.split, b * cols, cols);
        task.set(w, batch, out, outOff, outStride);
        try {
            long work = (long) w.rows() * cols * batch;
            if (pool == null || work < PARALLEL_THRESHOLD) task.run(0, w.rows());
            else pool.parallelFor(w.rows(), Math.max(4, w.rows() / (pool.threads() * 8)), task);
        } finally {
            task.clear();
        }
    }

    /** {@link #multiplySplit}'s loop body and split inputs, reused per calling thread (no allocation per product). */
    private static final class SplitTask implements WorkerPool.RangeBody {
        private float[] split = new float[0];
        private Q8_0Matrix w;
        private float[] out;
        private int batch, outOff, outStride;

        void set(Q8_0Matrix w, int batch, float[] out, int outOff, int outStride) {
            this.w = w;
            this.batch = batch;
            this.out = out;
            this.outOff = outOff;
            this.outStride = outStride;
        }

        void clear() {
            w = null;
            out = null;
        }

        @Override
        public void run(int start, int end) {
            int cols = w.cols();
            for (int b0 = 0; b0 < batch; b0 += BATCH_TILE) {
                int n = Math.min(BATCH_TILE, batch - b0);
                for (int o = start; o < end; o++) w.dotRowsSplit(o, split, b0 * cols, cols, n, out, outOff + b0 * outStride + o, outStride);
            }
        }
    }

    private static void range(WeightMatrix w, float[] x, int xOff, int xStride, int batch,
                              float[] out, int outOff, int outStride, int start, int end) {
        // Batch tiles keep a tile of input rows in L2 while every weight row of the range passes over them.
        for (int b0 = 0; b0 < batch; b0 += BATCH_TILE) {
            int n = Math.min(BATCH_TILE, batch - b0);
            int xo = xOff + b0 * xStride, oo = outOff + b0 * outStride;
            w.multiplyRows(start, end, x, xo, xStride, n, out, oo, outStride);
        }
    }

    /** Scalar reference of {@link #multiply(WeightMatrix, float[], int, float[], WorkerPool)}. */
    public static void multiplyScalar(WeightMatrix w, float[] x, int batch, float[] out) {
        for (int b = 0; b < batch; b++) {
            for (int o = 0; o < w.rows(); o++) out[b * w.rows() + o] = w.dotScalar(o, x, b * w.cols());
        }
    }
}
