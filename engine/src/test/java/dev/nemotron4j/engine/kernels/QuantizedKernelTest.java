package dev.nemotron4j.engine.kernels;

import dev.nemotron4j.engine.weights.DType;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Block-quantized weights: hand-made blocks dequantize to the values ggml defines, and every vectorised kernel
 * agrees with its scalar twin and with the exactly dequantized row on the real model's shapes; the batched
 * row kernel is bit-identical to single-row dots.
 */
class QuantizedKernelTest {

    private static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static float[] dequantize(DType type, MemorySegment block) {
        float[] out = new float[type.blockSize()];
        GgmlBlocks.dequantize(type, block, 0, out, 0);
        return out;
    }

    @Test
    void q8_0AndQ4_0BlocksByHand() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment q8 = arena.allocate(34);
            q8.set(LE_SHORT, 0, Float.floatToFloat16(0.5f));
            for (int j = 0; j < 32; j++) q8.set(ValueLayout.JAVA_BYTE, 2 + j, (byte) (j * 8 - 128));
            float[] v = dequantize(DType.Q8_0, q8);
            assertThat(v[0]).isEqualTo(-64f);
            assertThat(v[31]).isEqualTo(0.5f * (31 * 8 - 128));

            MemorySegment q4 = arena.allocate(18);
            q4.set(LE_SHORT, 0, Float.floatToFloat16(0.25f));
            for (int j = 0; j < 16; j++) q4.set(ValueLayout.JAVA_BYTE, 2 + j, (byte) (j | ((15 - j) << 4)));
            v = dequantize(DType.Q4_0, q4);
            for (int j = 0; j < 16; j++) {
                assertThat(v[j]).isEqualTo(0.25f * (j - 8));
                assertThat(v[j + 16]).isEqualTo(0.25f * (15 - j - 8));
            }
        }
    }

    @Test
    void q4_1Q5_0Q5_1BlocksByHand() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment q41 = arena.allocate(20);
            q41.set(LE_SHORT, 0, Float.floatToFloat16(0.5f));
            q41.set(LE_SHORT, 2, Float.floatToFloat16(-1f));
            for (int j = 0; j < 16; j++) q41.set(ValueLayout.JAVA_BYTE, 4 + j, (byte) (j | ((15 - j) << 4)));
            float[] v = dequantize(DType.Q4_1, q41);
            assertThat(v[3]).isEqualTo(0.5f);          // 3·0.5 − 1
            assertThat(v[16]).isEqualTo(6.5f);         // 15·0.5 − 1
            assertThat(v[31]).isEqualTo(-1f);

            // fifth bits: element 0 (bit 0) and element 31 (bit 31)
            MemorySegment q50 = arena.allocate(22);
            q50.set(LE_SHORT, 0, Float.floatToFloat16(0.25f));
            q50.set(LE_INT, 2, 0x80000001);
            for (int j = 0; j < 16; j++) q50.set(ValueLayout.JAVA_BYTE, 6 + j, (byte) (j | (j << 4)));
            v = dequantize(DType.Q5_0, q50);
            assertThat(v[0]).isEqualTo(0f);            // (0|16) − 16
            assertThat(v[1]).isEqualTo(-3.75f);        // 1 − 16
            assertThat(v[16]).isEqualTo(-4f);          // 0 − 16
            assertThat(v[31]).isEqualTo(3.75f);        // (15|16) − 16

            MemorySegment q51 = arena.allocate(24);
            q51.set(LE_SHORT, 0, Float.floatToFloat16(0.25f));
            q51.set(LE_SHORT, 2, Float.floatToFloat16(1f));
            q51.set(LE_INT, 4, 0x80000001);
            for (int j = 0; j < 16; j++) q51.set(ValueLayout.JAVA_BYTE, 8 + j, (byte) (j | (j << 4)));
            v = dequantize(DType.Q5_1, q51);
            assertThat(v[0]).isEqualTo(5f);            // 16·0.25 + 1
            assertThat(v[1]).isEqualTo(1.25f);
            assertThat(v[31]).isEqualTo(8.75f);        // 31·0.25 + 1
        }
    }

    /** Random blocks with small, realistic half-precision scales. */
    static WeightMatrix random(DType type, int rows, int cols, Random rnd, Arena arena) {
        long bytes = type.byteSize((long) rows * cols);
        MemorySegment seg = arena.allocate(bytes + 1).asSlice(1); // deliberately unaligned
        for (long i = 0; i < bytes; i++) seg.set(ValueLayout.JAVA_BYTE, i, (byte) rnd.nextInt());
        int blocks = (int) (bytes / type.blockBytes());
        for (int b = 0; b < blocks; b++) {
            long o = (long) b * type.blockBytes();
            switch (type) {
                case Q8_0, Q4_0, Q5_0 -> seg.set(LE_SHORT, o, Float.floatToFloat16(0.01f * (1 + rnd.nextFloat())));
                case Q4_1, Q5_1, Q4_K, Q5_K -> {
                    seg.set(LE_SHORT, o, Float.floatToFloat16(0.01f * (1 + rnd.nextFloat())));
                    seg.set(LE_SHORT, o + 2, Float.floatToFloat16(0.01f * rnd.nextFloat()));
                }
                case Q6_K -> seg.set(LE_SHORT, o + 208, Float.floatToFloat16(0.001f * (1 + rnd.nextFloat())));
                default -> throw new IllegalArgumentException();
            }
        }
        return WeightMatrix.of(type, seg, rows, cols, "test");
    }

    /** Q8_0 products split the inputs once per product (any batch, from 4 on two rows at a time); every output equals the row's own dot. */
    @Test
    void q8ProductsWithSplitInputsAreBitIdenticalToDots() {
        Random rnd = new Random(11);
        try (Arena arena = Arena.ofShared(); WorkerPool pool = new WorkerPool(2)) {
            WeightMatrix w = random(DType.Q8_0, 37, 2688, rnd, arena);
            for (int batch : new int[] {1, 2, 3, 4, 5, 9, 37, 70}) { // 37, 70: row pairs over tiles of 32 with remainders
                float[] x = new float[batch * 2688];
                for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
                float[] out = new float[batch * 37];
                MatMul.multiply(w, x, batch, out, pool);
                for (int b = 0; b < batch; b++) {
                    for (int r = 0; r < 37; r++) {
                        assertThat(out[b * 37 + r]).as("batch %d input %d row %d", batch, b, r).isEqualTo(w.dot(r, x, b * 2688));
                    }
                }
            }
        }
    }

    @Test
    void vectorKernelsAgreeWithScalarTwinsAndExactDequantization() {
        int[][] shapes = {{16, 2688}, {8, 4096}, {12, 1856}, {4, 3712}, {3, 32}, {2, 96}};
        int[][] kShapes = {{16, 2816}, {8, 4096}, {4, 256}};
        Random rnd = new Random(7);
        try (Arena arena = Arena.ofConfined()) {
            for (DType type : new DType[] {DType.Q8_0, DType.Q4_0, DType.Q4_1, DType.Q5_0, DType.Q5_1, DType.Q4_K, DType.Q5_K, DType.Q6_K}) {
                for (int[] s : type.blockSize() == 256 ? kShapes : shapes) {
                    WeightMatrix w = random(type, s[0], s[1], rnd, arena);
                    int batch = 3;
                    float[] x = new float[batch * s[1] + 5];
                    for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
                    float[] row = new float[s[1]];
                    float[] batched = new float[batch * s[0]];
                    for (int r = 0; r < s[0]; r++) {
                        w.dotRows(r, x, 5, s[1], batch, batched, r, s[0]);
                    }
                    for (int r = 0; r < s[0]; r++) {
                        w.readRow(r, row, 0);
                        for (int b = 0; b < batch; b++) {
                            int xo = 5 + b * s[1];
                            double exact = 0, mag = 0;
                            for (int i = 0; i < s[1]; i++) {
                                exact += (double) row[i] * x[xo + i];
                                mag += Math.abs((double) row[i] * x[xo + i]);
                            }
                            double tol = 1e-5 * mag + 1e-6;
                            float vec = w.dot(r, x, xo);
                            assertThat((double) vec).as("%s %s row %d vector", type, java.util.Arrays.toString(s), r).isCloseTo(exact, within(tol));
                            assertThat((double) w.dotScalar(r, x, xo)).as("%s row %d scalar", type, r).isCloseTo(exact, within(tol));
                            assertThat(batched[b * s[0] + r]).as("%s row %d batch %d bit-identical", type, r, b).isEqualTo(vec);
                        }
                    }
                    WeightMatrix slice = w.rowSlice(1, s[0] - 1);
                    float[] sliceRow = new float[s[1]];
                    slice.readRow(0, sliceRow, 0);
                    w.readRow(1, row, 0);
                    assertThat(sliceRow).containsExactly(row);
                }
            }
        }
    }

    @Test
    void batchedMatMulRowsAreBitIdenticalToSingleRowDots() {
        Random rnd = new Random(9);
        try (Arena arena = Arena.ofShared(); WorkerPool pool = new WorkerPool(2)) {
            for (DType type : new DType[] {DType.Q8_0, DType.Q4_0, DType.Q6_K}) {
                int rows = 71, cols = type.blockSize() == 256 ? 2816 : 2688; // odd: a row left over from the pairs
                WeightMatrix w = random(type, rows, cols, rnd, arena);
                // decode-sized batches (2-3: inputs in pairs sharing each block; 4-8: prefetched panels, row pairs, groups
                // of 4 inputs, remainders) and prefill-sized ones (rows decoded once, two at a time; a second batch tile)
                for (int batch : new int[] {2, 3, 7, 8, 9, 37}) {
                    float[] x = new float[batch * cols];
                    for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
                    float[] out = new float[batch * rows];
                    MatMul.multiply(w, x, batch, out, pool);
                    for (int b = 0; b < batch; b++) {
                        for (int r = 0; r < rows; r++) {
                            assertThat(out[b * rows + r]).as("%s batch %d row %d weight row %d", type, batch, b, r).isEqualTo(w.dot(r, x, b * cols));
                        }
                    }
                }
            }
        }
    }

    /** The panel prefetch reads exactly one byte per 64-byte line of the range (and nothing past its end). */
    @Test
    void panelPrefetchReadsOneByteOfEveryLine() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(1000);
            for (int i = 0; i < 1000; i++) seg.set(ValueLayout.JAVA_BYTE, i, (byte) (i % 7));
            long expected = 0;
            for (int o = 10; o < 700; o += 64) expected += o % 7;
            assertThat(PanelPrefetch.touch(seg, 10, 700)).isEqualTo(expected);
            assertThat(PanelPrefetch.touch(seg, 936, 1000)).isEqualTo(936 % 7);
            assertThat(PanelPrefetch.touch(seg, 5, 5)).isZero();
        }
    }
}
