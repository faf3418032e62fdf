package dev.nemotron4j.train.model.fast;

import dev.nemotron4j.engine.kernels.VectorWidth;
import dev.nemotron4j.engine.kernels.WorkerPool;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code C (+)= A·B} in float32: the matrix-matrix product every training layer runs (forward {@code X·Wᵀ},
 * input gradient {@code dY·W}, weight gradient {@code dYᵀ·X}).
 *
 * <p>Operands are described by offsets and strides, so transposed views cost nothing: element {@code A[i,k]} is
 * {@code a[aOff + i·aRs + k·aCs]}, {@code B[k,j]} is {@code b[bOff + k·bRs + j]} (rows of B contiguous),
 * {@code C[i,j]} is {@code c[cOff + i·cRs + j]}. The vector kernel broadcasts {@code A[i,k]}, loads a run of
 * {@code B[k, j..]} and keeps a 4-row × 3-vector tile of C in registers over the whole k range.
 *
 * <p>Every element of C is one chain of fused multiply-adds over k in increasing order, starting from C's old
 * value (or 0): no horizontal sums, no partial sums to combine. The result is therefore the same bits however the
 * work is split between threads, whatever the tiling or vector width, and identical to {@link #kernelScalar} (the
 * scalar twin, {@link Math#fma} in the same order), which the kernel becomes when {@link VectorWidth#SCALAR}.
 */
final class FloatGemm {
    private static final VectorSpecies<Float> F = VectorWidth.FLOAT;
    private static final int L = F.length();
    /** Rows and vectors of the register tile. */
    static final int MR = 4, NR = 3;
    /** Rows and columns of one parallel task: the tile loops sweep a B panel of this width over these rows. */
    private static final int TASK_ROWS = 32, TASK_COLS = NR * 64;
    /** Below this many multiply-adds a product runs on the calling thread. */
    private static final long PARALLEL_THRESHOLD = 1 << 16;

    private final WorkerPool pool;
    private final Task task = new Task();

    /** @param pool the threads products are split over (null: the caller only) */
    FloatGemm(WorkerPool pool) {
        this.pool = pool;
    }

    /**
     * {@code C[m, n] (+)= A[m, k]·B[k, n]} split over the pool in row blocks × column panels (each element of C
     * computed by one thread, so the split cannot change the result). Not reentrant: call it from the thread that
     * owns the model, never from inside a parallel loop (use {@link #kernel} there).
     */
    void multiply(int m, int n, int k, float[] a, int aOff, int aRs, int aCs, float[] b, int bOff, int bRs,
                  float[] c, int cOff, int cRs, boolean accumulate) {
        if (m <= 0 || n <= 0) return;
        long work = (long) m * n * Math.max(1, k);
        int rowBlocks = (m + TASK_ROWS - 1) / TASK_ROWS, colBlocks = (n + TASK_COLS - 1) / TASK_COLS;
        if (pool == null || pool.threads() == 1 || work < PARALLEL_THRESHOLD || rowBlocks * colBlocks == 1) {
            kernel(a, aOff, aRs, aCs, b, bOff, bRs, c, cOff, cRs, 0, m, 0, n, 0, k, accumulate);
            return;
        }
        task.set(m, n, k, a, aOff, aRs, aCs, b, bOff, bRs, c, cOff, cRs, accumulate, colBlocks);
        try {
            pool.parallelFor(rowBlocks * colBlocks, 1, task);
        } finally {
            task.clear();
        }
    }

    /** One product's arguments as a reusable loop body (no allocation per product). */
    private static final class Task implements WorkerPool.RangeBody {
        float[] a, b, c;
        int m, n, k, aOff, aRs, aCs, bOff, bRs, cOff, cRs, colBlocks;
        boolean accumulate;

        void set(int m, int n, int k, float[] a, int aOff, int aRs, int aCs, float[] b, int bOff, int bRs,
                 float[] c, int cOff, int cRs, boolean accumulate, int colBlocks) {
            this.m = m;
            this.n = n;
            this.k = k;
            this.a = a;
            this.aOff = aOff;
            this.aRs = aRs;
            this.aCs = aCs;
            this.b = b;
            this.bOff = bOff;
            this.bRs = bRs;
            this.c = c;
            this.cOff = cOff;
            this.cRs = cRs;
            this.accumulate = accumulate;
            this.colBlocks = colBlocks;
        }

        void clear() {
            a = b = c = null;
        }

        @Override
        public void run(int start, int end) {
            for (int t = start; t < end; t++) {
                int i0 = (t / colBlocks) * TASK_ROWS, j0 = (t % colBlocks) * TASK_COLS;
                kernel(a, aOff, aRs, aCs, b, bOff, bRs, c, cOff, cRs, i0, Math.min(m, i0 + TASK_ROWS),
                        j0, Math.min(n, j0 + TASK_COLS), 0, k, accumulate);
            }
        }
    }

    /**
     * {@code C[i, j] (+)= Σ_{k0 ≤ κ < k1} A[i, κ]·B[κ, j]} for rows {@code [i0, i1)} and columns {@code [j0, j1)} on
     * the calling thread. Without {@code accumulate} the sums start from 0 (an empty k range writes zeros).
     */
    static void kernel(float[] a, int aOff, int aRs, int aCs, float[] b, int bOff, int bRs, float[] c, int cOff, int cRs,
                       int i0, int i1, int j0, int j1, int k0, int k1, boolean accumulate) {
        if (VectorWidth.SCALAR) {
            kernelScalar(a, aOff, aRs, aCs, b, bOff, bRs, c, cOff, cRs, i0, i1, j0, j1, k0, k1, accumulate);
            return;
        }
        int j = j0;
        for (; j + NR * L <= j1; j += NR * L) {
            int i = i0;
            for (; i + MR <= i1; i += MR) tile4x3(a, aOff, aRs, aCs, b, bOff, bRs, c, cOff, cRs, i, j, k0, k1, accumulate);
            for (; i < i1; i++) tile1x3(a, aOff, aCs, b, bOff, bRs, c, cOff, i * aRs, i * cRs, j, k0, k1, accumulate);
        }
        for (; j + L <= j1; j += L) {
            int i = i0;
            for (; i + MR <= i1; i += MR) tile4x1(a, aOff, aRs, aCs, b, bOff, bRs, c, cOff, cRs, i, j, k0, k1, accumulate);
            for (; i < i1; i++) tile1x1(a, aOff, aCs, b, bOff, bRs, c, cOff, i * aRs, i * cRs, j, k0, k1, accumulate);
        }
        if (j < j1) kernelScalar(a, aOff, aRs, aCs, b, bOff, bRs, c, cOff, cRs, i0, i1, j, j1, k0, k1, accumulate);
    }

    private static void tile4x3(float[] a, int aOff, int aRs, int aCs, float[] b, int bOff, int bRs, float[] c, int cOff,
                                int cRs, int i, int j, int k0, int k1, boolean accumulate) {
        int c0 = cOff + i * cRs + j, c1 = c0 + cRs, c2 = c1 + cRs, c3 = c2 + cRs;
        FloatVector s00, s01, s02, s10, s11, s12, s20, s21, s22, s30, s31, s32;
        if (accumulate) {
            s00 = FloatVector.fromArray(F, c, c0);
            s01 = FloatVector.fromArray(F, c, c0 + L);
            s02 = FloatVector.fromArray(F, c, c0 + 2 * L);
            s10 = FloatVector.fromArray(F, c, c1);
            s11 = FloatVector.fromArray(F, c, c1 + L);
            s12 = FloatVector.fromArray(F, c, c1 + 2 * L);
            s20 = FloatVector.fromArray(F, c, c2);
            s21 = FloatVector.fromArray(F, c, c2 + L);
            s22 = FloatVector.fromArray(F, c, c2 + 2 * L);
            s30 = FloatVector.fromArray(F, c, c3);
            s31 = FloatVector.fromArray(F, c, c3 + L);
            s32 = FloatVector.fromArray(F, c, c3 + 2 * L);
        } else {
            s00 = s01 = s02 = s10 = s11 = s12 = s20 = s21 = s22 = s30 = s31 = s32 = FloatVector.zero(F);
        }
        int aBase = aOff + i * aRs, bBase = bOff + j;
        for (int k = k0; k < k1; k++) {
            int ai = aBase + k * aCs, bk = bBase + k * bRs;
            FloatVector b0 = FloatVector.fromArray(F, b, bk), b1 = FloatVector.fromArray(F, b, bk + L),
                    b2 = FloatVector.fromArray(F, b, bk + 2 * L);
            FloatVector x = FloatVector.broadcast(F, a[ai]);
            s00 = b0.fma(x, s00);
            s01 = b1.fma(x, s01);
            s02 = b2.fma(x, s02);
            x = FloatVector.broadcast(F, a[ai + aRs]);
            s10 = b0.fma(x, s10);
            s11 = b1.fma(x, s11);
            s12 = b2.fma(x, s12);
            x = FloatVector.broadcast(F, a[ai + 2 * aRs]);
            s20 = b0.fma(x, s20);
            s21 = b1.fma(x, s21);
            s22 = b2.fma(x, s22);
            x = FloatVector.broadcast(F, a[ai + 3 * aRs]);
            s30 = b0.fma(x, s30);
            s31 = b1.fma(x, s31);
            s32 = b2.fma(x, s32);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + L);
        s02.intoArray(c, c0 + 2 * L);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + L);
        s12.intoArray(c, c1 + 2 * L);
        s20.intoArray(c, c2);
        s21.intoArray(c, c2 + L);
        s22.intoArray(c, c2 + 2 * L);
        s30.intoArray(c, c3);
        s31.intoArray(c, c3 + L);
        s32.intoArray(c, c3 + 2 * L);
    }

    private static void tile1x3(float[] a, int aOff, int aCs, float[] b, int bOff, int bRs, float[] c, int cOff,
                                int aRow, int cRow, int j, int k0, int k1, boolean accumulate) {
        int c0 = cOff + cRow + j;
        FloatVector s0, s1, s2;
        if (accumulate) {
            s0 = FloatVector.fromArray(F, c, c0);
            s1 = FloatVector.fromArray(F, c, c0 + L);
            s2 = FloatVector.fromArray(F, c, c0 + 2 * L);
        } else {
            s0 = s1 = s2 = FloatVector.zero(F);
        }
        int aBase = aOff + aRow, bBase = bOff + j;
        for (int k = k0; k < k1; k++) {
            int ai = aBase + k * aCs, bk = bBase + k * bRs;
            FloatVector x = FloatVector.broadcast(F, a[ai]);
            s0 = FloatVector.fromArray(F, b, bk).fma(x, s0);
            s1 = FloatVector.fromArray(F, b, bk + L).fma(x, s1);
            s2 = FloatVector.fromArray(F, b, bk + 2 * L).fma(x, s2);
        }
        s0.intoArray(c, c0);
        s1.intoArray(c, c0 + L);
        s2.intoArray(c, c0 + 2 * L);
    }

    private static void tile4x1(float[] a, int aOff, int aRs, int aCs, float[] b, int bOff, int bRs, float[] c, int cOff,
                                int cRs, int i, int j, int k0, int k1, boolean accumulate) {
        int c0 = cOff + i * cRs + j, c1 = c0 + cRs, c2 = c1 + cRs, c3 = c2 + cRs;
        FloatVector s0, s1, s2, s3;
        if (accumulate) {
            s0 = FloatVector.fromArray(F, c, c0);
            s1 = FloatVector.fromArray(F, c, c1);
            s2 = FloatVector.fromArray(F, c, c2);
            s3 = FloatVector.fromArray(F, c, c3);
        } else {
            s0 = s1 = s2 = s3 = FloatVector.zero(F);
        }
        int aBase = aOff + i * aRs, bBase = bOff + j;
        for (int k = k0; k < k1; k++) {
            int ai = aBase + k * aCs, bk = bBase + k * bRs;
            FloatVector bv = FloatVector.fromArray(F, b, bk);
            s0 = bv.fma(FloatVector.broadcast(F, a[ai]), s0);
            s1 = bv.fma(FloatVector.broadcast(F, a[ai + aRs]), s1);
            s2 = bv.fma(FloatVector.broadcast(F, a[ai + 2 * aRs]), s2);
            s3 = bv.fma(FloatVector.broadcast(F, a[ai + 3 * aRs]), s3);
        }
        s0.intoArray(c, c0);
        s1.intoArray(c, c1);
        s2.intoArray(c, c2);
        s3.intoArray(c, c3);
    }

    private static void tile1x1(float[] a, int aOff, int aCs, float[] b, int bOff, int bRs, float[] c, int cOff,
                                int aRow, int cRow, int j, int k0, int k1, boolean accumulate) {
        int c0 = cOff + cRow + j;
        FloatVector s = accumulate ? FloatVector.fromArray(F, c, c0) : FloatVector.zero(F);
        int aBase = aOff + aRow, bBase = bOff + j;
        for (int k = k0; k < k1; k++) {
            s = FloatVector.fromArray(F, b, bBase + k * bRs).fma(FloatVector.broadcast(F, a[aBase + k * aCs]), s);
        }
        s.intoArray(c, c0);
    }

    /** The scalar twin of {@link #kernel}: the same fused multiply-adds in the same order, so the same bits. */
    static void kernelScalar(float[] a, int aOff, int aRs, int aCs, float[] b, int bOff, int bRs, float[] c, int cOff,
                             int cRs, int i0, int i1, int j0, int j1, int k0, int k1, boolean accumulate) {
        for (int i = i0; i < i1; i++) {
            int cRow = cOff + i * cRs, aRow = aOff + i * aRs;
            for (int j = j0; j < j1; j++) {
                float s = accumulate ? c[cRow + j] : 0f;
                int ai = aRow + k0 * aCs, bk = bOff + k0 * bRs + j;
                for (int k = k0; k < k1; k++, ai += aCs, bk += bRs) s = Math.fma(a[ai], b[bk], s);
                c[cRow + j] = s;
            }
        }
    }
}
