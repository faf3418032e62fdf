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
        // A single input gets its own loop body class: the pool's call to it has many targets, so the JIT
        // compiles it on its own, apart from the batched kernels. Compiled together, their size overruns the
        // inlining budget once a prefill has made the batched paths hot, and every vector gets boxed (Q4_0
        // decode after a prefill measured 45 -> 19 tokens/s).
        Task task = (batch == 1 ? DOT_TASK : TASK).get().set(w, x, xOff, xStride, batch, out, outOff, outStride);
        try {
            pool.parallelFor(rows, grain, task);
        } finally {
            task.clear();
        }
    }

    private static final ThreadLocal<Task> TASK = ThreadLocal.withInitial(Task::new);
    private static final ThreadLocal<Task> DOT_TASK = ThreadLocal.withInitial(DotTask::new);

    /**
     * One product's arguments as a reusable loop body: a capturing lambda would allocate on every call, and
     * decode issues dozens of products per token. One per calling thread; the pool finishes a loop before
     * {@code multiply} returns, so reuse is safe.
     */
    private static class Task implements WorkerPool.RangeBody {
        WeightMatrix w;
        float[] x, out;
        int xOff, xStride, batch, outOff, outStride;

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

    /** {@link Task} for a single input: {@link WeightMatrix#dotRange} (each row's {@link WeightMatrix#dot}). */
    private static final class DotTask extends Task {
        @Override
        public void run(int start, int end) {
            w.dotRange(start, end, x, xOff, out, outOff);
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
        float[] split = RowScratch.inputs(batch * cols);
        for (int b = 0; b < batch; b++) Q8Paired.split(x, xOff + b * xStride, split, b * cols, cols);
        // Single inputs, the decode-sized batches and prefill-sized batches each get their own loop body, compiled
        // apart (see multiply()): together the paths overran the JIT's inlining budget.
        SplitTask body = (batch == 1 ? SPLIT_DOT_TASK
                : batch < Q8_0Matrix.PAIRED_BELOW ? SPLIT_PAIRED_TASK
                : batch <= BATCH_TILE ? SPLIT_PANEL_TASK : SPLIT_TASK).get();
        body.set(w, split, batch, out, outOff, outStride);
        try {
            long work = (long) w.rows() * cols * batch;
            if (pool == null || work < PARALLEL_THRESHOLD) body.run(0, w.rows());
            else pool.parallelFor(w.rows(), Math.max(4, w.rows() / (pool.threads() * 8)), body);
        } finally {
            body.clear();
        }
    }

    private static final ThreadLocal<SplitTask> SPLIT_DOT_TASK = ThreadLocal.withInitial(SplitDotTask::new);
    private static final ThreadLocal<SplitTask> SPLIT_PAIRED_TASK = ThreadLocal.withInitial(SplitPairedTask::new);

    /** {@link SplitTask} for batches of 2 and 3: {@link Q8_0Matrix#dotRowsPaired}. */
    private static final class SplitPairedTask extends SplitTask {
        @Override
        public void run(int start, int end) {
            int cols = w.cols();
            for (int o = start; o < end; o++) w.dotRowsPaired(o, split, 0, cols, batch, out, outOff + o, outStride);
        }
    }

    private static final ThreadLocal<SplitTask> SPLIT_PANEL_TASK = ThreadLocal.withInitial(SplitPanelTask::new);

    /**
     * {@link SplitTask} for batches of 4 up to one tile: panels of rows, each first prefetched
     * into L2 ({@link PanelPrefetch}), then two rows at a time ({@link Q8_0Matrix#dotRowPair}). Batch 8 on a
     * 131072 × 2688 matrix: 68–80 ms without the prefetch, 38–46 ms with it (KernelBench, 2 threads).
     */
    private static final class SplitPanelTask extends SplitTask {
        @Override
        public void run(int start, int end) {
            int cols = w.cols();
            long rowBytes = (long) cols / 32 * Q8_0Matrix.BLOCK_BYTES;
            int panelRows = PanelPrefetch.rowsPerPanel(rowBytes);
            for (int p0 = start; p0 < end; p0 += panelRows) {
                int p1 = Math.min(end, p0 + panelRows);
                PanelPrefetch.prefetch(w.data(), p0 * rowBytes, p1 * rowBytes);
                int o = p0;
                for (; o + 2 <= p1; o += 2) w.dotRowPair(o, split, 0, cols, batch, out, outOff + o, outStride);
                if (o < p1) w.dotRowsPaired(o, split, 0, cols, batch, out, outOff + o, outStride);
            }
        }
    }

    /** {@link SplitTask} for one input: each row's {@link Q8Paired#dotSplit}. */
    private static final class SplitDotTask extends SplitTask {
        @Override
        public void run(int start, int end) {
            long rowBytes = (long) w.cols() / 32 * Q8_0Matrix.BLOCK_BYTES;
            for (int o = start; o < end; o++) out[outOff + o] = Q8Paired.dotSplit(w.data(), o * rowBytes, w.cols() / 32, split, 0);
        }
    }

    /**
     * {@link #multiplySplit}'s loop body for batches from two tiles on (the base of the others), reused per calling
     * thread (no allocation per product); the split inputs are the calling thread's {@link RowScratch#inputs}.
     */
    private static class SplitTask implements WorkerPool.RangeBody {
        Q8_0Matrix w;
        float[] split, out;
        int batch, outOff, outStride;

        void set(Q8_0Matrix w, float[] split, int batch, float[] out, int outOff, int outStride) {
            this.w = w;
            this.split = split;
            this.batch = batch;
            this.out = out;
            this.outOff = outOff;
            this.outStride = outStride;
        }

        void clear() {
            w = null;
            split = null;
            out = null;
        }

        @Override
        public void run(int start, int end) {
            int cols = w.cols();
            for (int b0 = 0; b0 < batch; b0 += BATCH_TILE) {
                int n = Math.min(BATCH_TILE, batch - b0);
                int o = start;
                for (; o + 2 <= end; o += 2) w.dotRowPairDecoded(o, split, b0 * cols, cols, n, out, outOff + b0 * outStride + o, outStride);
                if (o < end) w.dotRowsPaired(o, split, b0 * cols, cols, n, out, outOff + b0 * outStride + o, outStride);
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
