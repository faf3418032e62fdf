package dev.nemotron4j.train.model.fast;

import java.util.List;

/**
 * {@code relu(x·upᵀ)²·downᵀ} in float32: the dense MLP block, and (through {@link #forwardRows} /
 * {@link #backwardRows} on rows gathered by the caller) every routed expert and the shared expert of a MoE block.
 * Three matrix products forward, four backward, all on {@link FloatGemm}.
 */
final class FastMlp implements FastMixer {
    final FloatWeight up, down; // [width, hidden], [hidden, width]
    final int hidden, width;
    private final FloatGemm gemm;
    private float[] x, pre = new float[0], act = new float[0], dAct = new float[0];
    private int rows;

    FastMlp(FloatWeight up, FloatWeight down, FloatGemm gemm) {
        this.up = up;
        this.down = down;
        this.hidden = up.cols;
        this.width = up.rows;
        this.gemm = gemm;
        if (down.rows != hidden || down.cols != width) {
            throw new IllegalArgumentException(down.param.name() + ": shape [" + down.rows + ", " + down.cols + "] does not match "
                    + up.param.name() + " [" + width + ", " + hidden + "]");
        }
    }

    @Override
    public void ensureCapacity(int maxRows) {
        if (pre.length < maxRows * width) {
            pre = new float[maxRows * width];
            act = new float[maxRows * width];
            dAct = new float[maxRows * width];
        }
    }

    @Override
    public void forward(float[] in, float[] out, SequenceLayout layout) {
        this.x = in;
        this.rows = layout.rows;
        forwardRows(in, 0, rows, pre, act, 0, out, 0);
    }

    @Override
    public void backward(float[] dOut, float[] dx) {
        backwardRows(x, 0, rows, pre, act, 0, dOut, 0, dAct, dx, 0, false);
    }

    /**
     * {@code out[n, hidden] = relu(x·upᵀ)²·downᵀ} for rows at {@code x[xOff..]}, keeping {@code pre} and {@code act}
     * ([n, width] at {@code hOff}) for the backward.
     */
    void forwardRows(float[] x, int xOff, int n, float[] pre, float[] act, int hOff, float[] out, int outOff) {
        forwardRows(x, xOff, n, pre, act, hOff, out, outOff, false);
    }

    /** {@link #forwardRows}; with {@code here}, every product on the calling thread (for callers inside a parallel loop). */
    void forwardRows(float[] x, int xOff, int n, float[] pre, float[] act, int hOff, float[] out, int outOff, boolean here) {
        product(here, n, width, hidden, x, xOff, hidden, 1, up.wT, 0, width, pre, hOff, width, false);
        RowOps.reluSquared(pre, hOff, act, hOff, n * width);
        product(here, n, hidden, width, act, hOff, width, 1, down.wT, 0, hidden, out, outOff, hidden, false);
    }

    private void product(boolean here, int m, int n, int k, float[] a, int aOff, int aRs, int aCs, float[] b, int bOff, int bRs,
                         float[] c, int cOff, int cRs, boolean accumulate) {
        if (here) FloatGemm.kernel(a, aOff, aRs, aCs, b, bOff, bRs, c, cOff, cRs, 0, m, 0, n, 0, k, accumulate);
        else gemm.multiply(m, n, k, a, aOff, aRs, aCs, b, bOff, bRs, c, cOff, cRs, accumulate);
    }

    /**
     * Backward of {@link #forwardRows}: adds the weight gradients and writes (or with {@code accumulateDx}, adds)
     * {@code dx[n, hidden]}; {@code scratch} holds [n, width].
     */
    void backwardRows(float[] x, int xOff, int n, float[] pre, float[] act, int hOff, float[] dOut, int dOff,
                      float[] scratch, float[] dx, int dxOff, boolean accumulateDx) {
        backwardRows(x, xOff, n, pre, act, hOff, dOut, dOff, scratch, dx, dxOff, accumulateDx, false);
    }

    /** {@link #backwardRows}; with {@code here}, every product on the calling thread. */
    void backwardRows(float[] x, int xOff, int n, float[] pre, float[] act, int hOff, float[] dOut, int dOff,
                      float[] scratch, float[] dx, int dxOff, boolean accumulateDx, boolean here) {
        if (n == 0) return;
        // dAct = dOut·down; dDown += dOutᵀ·act
        product(here, n, width, hidden, dOut, dOff, hidden, 1, down.w, 0, width, scratch, hOff, width, false);
        product(here, hidden, width, n, dOut, dOff, 1, hidden, act, hOff, width, down.grad, 0, width, true);
        RowOps.reluSquaredBackward(pre, hOff, scratch, hOff, n * width);
        // dx = dPre·up; dUp += dPreᵀ·x
        product(here, n, hidden, width, scratch, hOff, width, 1, up.w, 0, hidden, dx, dxOff, hidden, accumulateDx);
        product(here, width, hidden, n, scratch, hOff, 1, width, x, xOff, hidden, up.grad, 0, hidden, true);
    }

    @Override
    public List<FloatWeight> weights() {
        return List.of(up, down);
    }
}
