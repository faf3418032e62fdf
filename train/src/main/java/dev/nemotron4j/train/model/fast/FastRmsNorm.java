package dev.nemotron4j.train.model.fast;

import dev.nemotron4j.engine.kernels.VectorWidth;
import dev.nemotron4j.engine.kernels.WorkerPool;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code y = x / sqrt(mean(x²) + eps) ⊙ w} over groups of {@code groupSize} elements of each row, in float32 (the
 * reciprocal root in double), and its backward. Keeps a copy of its input, so the caller may overwrite it.
 * Rows run in parallel (each row owned by one thread); the weight gradient sums rows in order on one thread.
 */
final class FastRmsNorm {
    private static final VectorSpecies<Float> F = VectorWidth.FLOAT;
    private static final int L = F.length();

    final FloatWeight weight;
    private final int width, groupSize, groups;
    private final double eps;
    private final WorkerPool pool;
    private float[] x = new float[0], inv = new float[0];
    /** The output of the last forward, [rows, width]. */
    float[] out = new float[0];
    private int rows;

    // arguments of the parallel loops (reused bodies: no allocation per call)
    private float[] dy, dx;
    private final WorkerPool.RangeBody forwardRows = this::forwardRange, backwardRows = this::backwardRange;

    FastRmsNorm(FloatWeight weight, double eps, int groupSize, WorkerPool pool) {
        this.weight = weight;
        this.width = weight.cols * weight.rows;
        this.groupSize = groupSize;
        this.groups = width / groupSize;
        this.eps = eps;
        this.pool = pool;
        if (width % groupSize != 0) throw new IllegalArgumentException(weight.param.name() + ": width " + width + " is not a multiple of " + groupSize);
    }

    void ensureCapacity(int maxRows) {
        if (out.length < maxRows * width) {
            x = new float[maxRows * width];
            out = new float[maxRows * width];
            inv = new float[maxRows * groups];
        }
    }

    /** {@link #out} = norm(in) for {@code rows} rows. */
    void forward(float[] in, int rows) {
        this.rows = rows;
        System.arraycopy(in, 0, x, 0, rows * width);
        pool.parallelFor(rows, 16, forwardRows);
    }

    private void forwardRange(int start, int end) {
        float[] w = weight.w;
        for (int t = start; t < end; t++) {
            for (int g = 0; g < groups; g++) {
                int b = t * width + g * groupSize;
                float ss = FixedLaneSum.dot(x, b, x, b, groupSize);
                float r = (float) (1.0 / Math.sqrt((double) ss / groupSize + eps));
                inv[t * groups + g] = r;
                scaleRow(x, b, r, w, g * groupSize, out, b, groupSize);
            }
        }
    }

    /** {@code dst = (src·r)·w}. */
    private static void scaleRow(float[] src, int sOff, float r, float[] w, int wOff, float[] dst, int dOff, int n) {
        int i = 0;
        if (!VectorWidth.SCALAR) {
            for (; i <= n - L; i += L) {
                FloatVector.fromArray(F, src, sOff + i).mul(r).mul(FloatVector.fromArray(F, w, wOff + i)).intoArray(dst, dOff + i);
            }
        }
        for (; i < n; i++) dst[dOff + i] = src[sOff + i] * r * w[wOff + i];
    }

    /**
     * {@code dxOut = dLoss/dx} given {@code dyIn = dLoss/dy} (rows of the last forward); adds the weight gradient.
     * {@code dxOut} may be {@code dyIn}.
     */
    void backward(float[] dyIn, float[] dxOut) {
        // weight gradient first (it reads dy, which dx may overwrite): rows in order, one thread
        float[] gw = weight.grad;
        for (int t = 0; t < rows; t++) {
            for (int g = 0; g < groups; g++) {
                int b = t * width + g * groupSize;
                weightGradRow(dyIn, x, b, inv[t * groups + g], gw, g * groupSize, groupSize);
            }
        }
        this.dy = dyIn;
        this.dx = dxOut;
        try {
            pool.parallelFor(rows, 16, backwardRows);
        } finally {
            this.dy = this.dx = null;
        }
    }

    /** {@code gw += (dy·r)·x}. */
    private static void weightGradRow(float[] dy, float[] x, int b, float r, float[] gw, int wOff, int n) {
        int i = 0;
        if (!VectorWidth.SCALAR) {
            for (; i <= n - L; i += L) {
                FloatVector.fromArray(F, dy, b + i).mul(r).fma(FloatVector.fromArray(F, x, b + i), FloatVector.fromArray(F, gw, wOff + i))
                        .intoArray(gw, wOff + i);
            }
        }
        for (; i < n; i++) gw[wOff + i] = Math.fma(dy[b + i] * r, x[b + i], gw[wOff + i]);
    }

    private void backwardRange(int start, int end) {
        float[] w = weight.w;
        for (int t = start; t < end; t++) {
            for (int g = 0; g < groups; g++) {
                int b = t * width + g * groupSize, wb = g * groupSize;
                float r = inv[t * groups + g];
                float dot = weightedDot(dy, w, x, b, wb, groupSize);
                float c = (float) ((double) r * r * r * dot / groupSize);
                inputGradRow(dy, w, x, b, wb, r, c, dx, groupSize);
            }
        }
    }

    /** {@code Σ (dy·w)·x} over one group, lanes summed in a fixed order. */
    private static float weightedDot(float[] dy, float[] w, float[] x, int b, int wb, int n) {
        int i = 0;
        float s = 0f;
        if (!VectorWidth.SCALAR) {
            FloatVector acc = FloatVector.zero(F);
            for (; i <= n - L; i += L) {
                acc = FloatVector.fromArray(F, dy, b + i).mul(FloatVector.fromArray(F, w, wb + i)).fma(FloatVector.fromArray(F, x, b + i), acc);
            }
            s = FixedLaneSum.sum(acc);
        }
        for (; i < n; i++) s = Math.fma(dy[b + i] * w[wb + i], x[b + i], s);
        return s;
    }

    /** {@code dx = r·(dy·w) − c·x}. */
    private static void inputGradRow(float[] dy, float[] w, float[] x, int b, int wb, float r, float c, float[] dx, int n) {
        int i = 0;
        if (!VectorWidth.SCALAR) {
            for (; i <= n - L; i += L) {
                FloatVector t = FloatVector.fromArray(F, dy, b + i).mul(FloatVector.fromArray(F, w, wb + i)).mul(r);
                FloatVector.fromArray(F, x, b + i).mul(-c).add(t).intoArray(dx, b + i);
            }
        }
        for (; i < n; i++) dx[b + i] = dy[b + i] * w[wb + i] * r + x[b + i] * -c;
    }
}
