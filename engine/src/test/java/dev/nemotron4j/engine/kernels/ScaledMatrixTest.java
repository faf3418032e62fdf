package dev.nemotron4j.engine.kernels;

import dev.nemotron4j.engine.weights.DType;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every path through a {@link ScaledMatrix} is the inner matrix's result times the scale, bit for bit. */
class ScaledMatrixTest {

    @Test
    void everyProductIsTheInnerProductTimesTheScale() {
        Random rnd = new Random(5);
        float scale = 0.37f;
        try (Arena arena = Arena.ofShared(); WorkerPool pool = new WorkerPool(2)) {
            for (DType type : new DType[] {DType.Q8_0, DType.Q5_1}) {
                int rows = 41, cols = 2688;
                WeightMatrix inner = QuantizedKernelTest.random(type, rows, cols, rnd, arena);
                WeightMatrix w = new ScaledMatrix(inner, scale);
                for (int batch : new int[] {1, 3, 9, 37}) {
                    float[] x = new float[batch * cols];
                    for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
                    float[] out = new float[batch * rows], plain = new float[batch * rows];
                    MatMul.multiply(w, x, batch, out, pool);
                    MatMul.multiply(inner, x, batch, plain, pool);
                    for (int i = 0; i < out.length; i++) assertThat(out[i]).as("%s batch %d output %d", type, batch, i).isEqualTo(plain[i] * scale);
                    float[] rowsOut = new float[batch];
                    w.dotRows(4, x, 0, cols, batch, rowsOut, 0, 1);
                    for (int b = 0; b < batch; b++) {
                        assertThat(rowsOut[b]).isEqualTo(inner.dot(4, x, b * cols) * scale);
                        assertThat(w.dot(4, x, b * cols)).isEqualTo(inner.dot(4, x, b * cols) * scale);
                        assertThat(w.dotScalar(4, x, b * cols)).isEqualTo(inner.dotScalar(4, x, b * cols) * scale);
                    }
                }
                float[] row = new float[cols], innerRow = new float[cols], sliced = new float[cols];
                w.readRow(7, row, 0);
                inner.readRow(7, innerRow, 0);
                for (int i = 0; i < cols; i++) assertThat(row[i]).isEqualTo(innerRow[i] * scale);
                w.rowSlice(5, 10).readRow(2, sliced, 0);
                assertThat(sliced).containsExactly(row);
            }
        }
        assertThatThrownBy(() -> new ScaledMatrix(null, Float.NaN)).isInstanceOf(IllegalArgumentException.class);
    }
}
