package dev.nemotron4j.engine.kernels;

import dev.nemotron4j.engine.weights.DType;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Every vectorised kernel agrees with its scalar twin on the real model's shapes (and awkward tails). */
class KernelParityTest {

    private static final int[][] SHAPES = {{64, 2688}, {32, 4096}, {48, 1856}, {16, 3712}, {7, 2689}, {5, 13}, {3, 1}};

    static WeightMatrix random(DType type, int rows, int cols, Random rnd, Arena arena) {
        long n = (long) rows * cols;
        MemorySegment seg = arena.allocate(n * type.bytes() + 1).asSlice(1); // deliberately unaligned
        for (long i = 0; i < n; i++) {
            float v = (float) rnd.nextGaussian() * 0.05f;
            switch (type) {
                case F32 -> seg.set(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i * 4, v);
                case BF16 -> seg.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i * 2, (short) (Float.floatToIntBits(v) >>> 16));
                case F16 -> seg.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i * 2, Float.floatToFloat16(v));
                default -> throw new IllegalArgumentException();
            }
        }
        return WeightMatrix.of(type, seg, rows, cols, "test");
    }

    @Test
    void dotProductsAgreeWithScalarTwins() {
        Random rnd = new Random(1);
        try (Arena arena = Arena.ofConfined()) {
            for (DType type : new DType[] {DType.F32, DType.BF16, DType.F16}) {
                for (int[] s : SHAPES) {
                    WeightMatrix w = random(type, s[0], s[1], rnd, arena);
                    float[] x = new float[s[1] + 3];
                    for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
                    float[] row = new float[s[1]];
                    for (int r = 0; r < s[0]; r++) {
                        float vec = w.dot(r, x, 3), scalar = w.dotScalar(r, x, 3);
                        w.readRow(r, row, 0);
                        double exact = 0, mag = 0;
                        for (int i = 0; i < s[1]; i++) {
                            exact += (double) row[i] * x[3 + i];
                            mag += Math.abs((double) row[i] * x[3 + i]);
                        }
                        double tol = 1e-5 * mag + 1e-7;
                        assertThat((double) vec).as("%s %dx%d row %d vector", type, s[0], s[1], r).isCloseTo(exact, org.assertj.core.data.Offset.offset(tol));
                        assertThat((double) scalar).as("%s %dx%d row %d scalar", type, s[0], s[1], r).isCloseTo(exact, org.assertj.core.data.Offset.offset(tol));
                    }
                }
            }
        }
    }

    /**
     * The 16-bit row-block kernel (4 weight rows × 2 inputs in registers) against {@code dot} on every row and
     * input: bit-identical for every batch size, row count (whole and partial blocks) and column tail, with
     * inputs at an offset and strides wider than a row.
     */
    @Test
    void rowBlockKernelIsBitIdenticalToSingleDots() {
        Random rnd = new Random(3);
        int[][] shapes = {{9, 2688}, {6, 1856}, {5, 4096}, {7, 2689}, {4, 40}, {3, 8}, {71, 264}, {5, 48}, {6, 2704}}; // 48, 2704: odd chunk counts
        try (Arena arena = Arena.ofConfined()) {
            for (DType type : new DType[] {DType.BF16, DType.F16}) {
                for (int[] s : shapes) {
                    WeightMatrix w = random(type, s[0], s[1], rnd, arena);
                    for (int batch = 1; batch <= 9; batch++) {
                        int xStride = s[1] + 5, outStride = s[0] + 2;
                        float[] x = new float[7 + batch * xStride];
                        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
                        float[] out = new float[3 + batch * outStride];
                        int start = s[0] > 4 ? 1 : 0;
                        w.multiplyRows(start, s[0], x, 7, xStride, batch, out, 3, outStride);
                        for (int b = 0; b < batch; b++) {
                            for (int r = start; r < s[0]; r++) {
                                float alone = w.dot(r, x, 7 + b * xStride);
                                assertThat(out[3 + b * outStride + r]).as("%s %dx%d batch %d input %d row %d", type, s[0], s[1], batch, b, r).isEqualTo(alone);
                                float scalar = w.dotScalar(r, x, 7 + b * xStride);
                                assertThat(alone).as("%s %dx%d vs scalar twin", type, s[0], s[1]).isCloseTo(scalar, org.assertj.core.data.Offset.offset(2e-4f * (1 + Math.abs(scalar))));
                            }
                            if (start == 1) assertThat(out[3 + b * outStride]).as("rows before start untouched").isZero();
                        }
                    }
                }
            }
        }
    }

    @Test
    void parallelBatchedMatMulEqualsScalar() {
        Random rnd = new Random(2);
        try (Arena arena = Arena.ofShared(); WorkerPool pool = new WorkerPool(3)) {
            for (DType type : new DType[] {DType.F32, DType.BF16}) {
                WeightMatrix w = random(type, 300, 2688, rnd, arena);
                for (int batch : new int[] {1, 3, 8}) {
                    float[] x = new float[batch * 2688];
                    for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
                    float[] fast = new float[batch * 300], slow = new float[batch * 300];
                    MatMul.multiply(w, x, batch, fast, pool);
                    MatMul.multiplyScalar(w, x, batch, slow);
                    for (int i = 0; i < fast.length; i++) {
                        assertThat(fast[i]).as("%s batch %d index %d", type, batch, i).isCloseTo(slow[i], org.assertj.core.data.Offset.offset(1e-4f));
                    }
                    // one row of a batch equals the same row computed alone (batched decode is exact)
                    float[] alone = new float[300];
                    MatMul.multiply(w, java.util.Arrays.copyOfRange(x, (batch - 1) * 2688, batch * 2688), 1, alone, pool);
                    assertThat(java.util.Arrays.copyOfRange(fast, (batch - 1) * 300, batch * 300)).containsExactly(alone);
                }
            }
        }
    }

    @Test
    void workerPoolCoversEveryIndexOnceAndPropagatesFailures() {
        try (WorkerPool pool = new WorkerPool(4)) {
            for (int n : new int[] {1, 5, 1000, 12345}) {
                int[] hits = new int[n];
                pool.parallelFor(n, 7, (s, e) -> {
                    for (int i = s; i < e; i++) hits[i]++;
                });
                for (int i = 0; i < n; i++) assertThat(hits[i]).as("index %d of %d", i, n).isEqualTo(1);
            }
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> pool.parallelFor(100, 1, (s, e) -> {
                if (s == 50) throw new IllegalStateException("boom");
            })).hasMessage("boom");
            // still usable after a failure, and nested loops run inline
            int[] sum = new int[1];
            pool.parallelFor(10, 1, (s, e) -> pool.parallelFor(10, 1, (a, b) -> {
                synchronized (sum) {
                    sum[0] += b - a;
                }
            }));
            assertThat(sum[0]).isEqualTo(100);
        }
    }
}
