package dev.nemotron4j.train.model.fast;

import dev.nemotron4j.train.layers.Param;

import java.util.Arrays;

/**
 * The float32 working copy of one parameter tensor, seen as a [rows, cols] matrix: its values ({@link #w}), for
 * matrices also transposed ({@link #wT}, [cols, rows]: the right-hand operand of {@code X·Wᵀ}), and a float gradient
 * buffer in the tensor's own layout that {@link #flushInto} adds into the double {@link Param#grad()}.
 */
final class FloatWeight {
    final Param param;
    final int rows, cols;
    final float[] w, wT, grad;

    FloatWeight(Param param, int rows, int cols, boolean transposed) {
        if ((long) rows * cols != param.size()) {
            throw new IllegalArgumentException(param.name() + ": " + param.size() + " values are not [" + rows + ", " + cols + "]");
        }
        this.param = param;
        this.rows = rows;
        this.cols = cols;
        this.w = new float[param.size()];
        this.wT = transposed ? new float[param.size()] : null;
        this.grad = new float[param.size()];
        refresh();
    }

    /** A vector parameter (norm weight, bias, per-head scalars). */
    static FloatWeight vector(Param param) {
        return new FloatWeight(param, 1, param.size(), false);
    }

    /** Re-reads the double master values (after an optimizer step). */
    void refresh() {
        double[] v = param.value();
        for (int i = 0; i < w.length; i++) w[i] = (float) v[i];
        if (wT != null) {
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) wT[c * rows + r] = w[r * cols + c];
            }
        }
    }

    /** Adds the float gradient into the parameter's double gradient and zeroes it. */
    void flushInto() {
        double[] g = param.grad();
        for (int i = 0; i < grad.length; i++) g[i] += grad[i];
        Arrays.fill(grad, 0f);
    }
}
