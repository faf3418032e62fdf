package dev.nemotron4j.engine.kernels;

import dev.nemotron4j.engine.weights.DType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The fused kernels of the 32-element block types ({@link Q5_0Matrix} and its siblings), at whatever vector width
 * this JVM runs ({@link VectorWidth}): every element's code lands where ggml puts it, the vector kernel and its scalar
 * twin agree with the exactly dequantized row (in double) on the real model's shapes, and every batched path gives
 * the bits of the single-row {@link WeightMatrix#dot}.
 */
class Block32KernelTest {

    private static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** The types with a fused 32-element kernel. */
    enum Fused {
        Q5_0(DType.Q5_0), Q5_1(DType.Q5_1), Q4_1(DType.Q4_1), IQ4_NL(DType.IQ4_NL), MXFP4(DType.MXFP4), NVFP4(DType.NVFP4);

        final DType type;

        Fused(DType type) {
            this.type = type;
        }
    }

    /** Random blocks of {@code type} with realistic scales (and mins), deliberately unaligned. */
    static WeightMatrix random(DType type, int rows, int cols, Random rnd, Arena arena) {
        long bytes = type.byteSize((long) rows * cols);
        MemorySegment seg = arena.allocate(bytes + 1).asSlice(1);
        for (long i = 0; i < bytes; i++) seg.set(ValueLayout.JAVA_BYTE, i, (byte) rnd.nextInt());
        for (long o = 0; o < bytes; o += type.blockBytes()) {
            switch (type) {
                case Q5_0, IQ4_NL -> seg.set(LE_SHORT, o, Float.floatToFloat16(0.01f * (1 + rnd.nextFloat())));
                case MXFP4 -> seg.set(ValueLayout.JAVA_BYTE, o, (byte) (118 + rnd.nextInt(12))); // 2^-10 .. 2^1
                case NVFP4 -> { // E4M3 scales around 2^-2 .. 2^2, and now and then any byte (0, 0x7F and 0xFF included)
                    for (int sub = 0; sub < 4; sub++) {
                        int b = rnd.nextInt(8) == 0 ? rnd.nextInt(256) : (5 + rnd.nextInt(5)) << 3 | rnd.nextInt(8);
                        seg.set(ValueLayout.JAVA_BYTE, o + sub, (byte) b);
                    }
                }
                case Q5_1, Q4_1 -> { // the min is negative in real files (d·q + m centred on zero)
                    seg.set(LE_SHORT, o, Float.floatToFloat16(0.01f * (1 + rnd.nextFloat())));
                    seg.set(LE_SHORT, o + 2, Float.floatToFloat16(-0.08f * (1 + rnd.nextFloat())));
                }
                default -> throw new IllegalArgumentException(type.toString());
            }
        }
        return WeightMatrix.of(type, seg, rows, cols, "test");
    }

    private static float[] gaussian(int n, Random rnd) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) rnd.nextGaussian();
        return x;
    }

    @ParameterizedTest
    @EnumSource(Fused.class)
    void factoryPicksTheFusedKernel(Fused f) {
        try (Arena arena = Arena.ofConfined()) {
            WeightMatrix w = random(f.type, 2, 64, new Random(1), arena);
            assertThat(w.rowSlice(1, 1).getClass()).isEqualTo(w.getClass());
        }
    }

    /**
     * Every element of a block against a unit input: the dot product is that element's dequantized value exactly
     * (one nonzero product), so a code taken from the wrong nibble, fifth bit or table entry shows at its position.
     */
    @ParameterizedTest
    @EnumSource(Fused.class)
    void eachElementOfABlockIsItsDequantizedValue(Fused f) {
        Random rnd = new Random(3);
        try (Arena arena = Arena.ofConfined()) {
            int cols = 128; // several blocks: even and odd accumulators, and a block past the first
            WeightMatrix w = random(f.type, 3, cols, rnd, arena);
            float[] row = new float[cols], x = new float[cols], out = new float[2];
            for (int r = 0; r < 3; r++) {
                w.readRow(r, row, 0);
                for (int e = 0; e < cols; e++) {
                    x[e] = 1;
                    assertThat(w.dot(r, x, 0)).as("%s row %d element %d", f, r, e).isEqualTo(row[e]);
                    assertThat(w.dotScalar(r, x, 0)).as("%s row %d element %d scalar", f, r, e).isEqualTo(row[e]);
                    x[e] = 0;
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Fused.class)
    void vectorAndScalarAgreeWithTheDequantizedRowOnModelShapes(Fused f) {
        int[][] shapes = {{7, 2688}, {5, 1856}, {3, 3712}, {3, 4096}, {1, 64}};
        Random rnd = new Random(5);
        try (Arena arena = Arena.ofConfined()) {
            for (int[] s : shapes) {
                WeightMatrix w = random(f.type, s[0], s[1], rnd, arena);
                float[] x = gaussian(s[1] + 3, rnd), row = new float[s[1]];
                for (int r = 0; r < s[0]; r++) {
                    w.readRow(r, row, 0);
                    double exact = 0, mag = 0;
                    for (int i = 0; i < s[1]; i++) {
                        exact += (double) row[i] * x[3 + i];
                        mag += Math.abs((double) row[i] * x[3 + i]);
                    }
                    double tol = 1e-5 * mag + 1e-6;
                    assertThat((double) w.dot(r, x, 3)).as("%s %dx%d row %d vector", f, s[0], s[1], r).isCloseTo(exact, within(tol));
                    assertThat((double) w.dotScalar(r, x, 3)).as("%s %dx%d row %d scalar", f, s[0], s[1], r).isCloseTo(exact, within(tol));
                }
            }
        }
    }

    /**
     * Products over the worker pool (decode-sized batches sharing codes in registers, panels of row pairs from 4
     * inputs, rows decoded once from 9, batch tiles of 32 past that) and the per-row batched kernel: every output is
     * bit-identical to the row's own dot.
     */
    @ParameterizedTest
    @EnumSource(Fused.class)
    void batchedProductsAreBitIdenticalToSingleDots(Fused f) {
        Random rnd = new Random(9);
        try (Arena arena = Arena.ofShared(); WorkerPool pool = new WorkerPool(2)) {
            for (int[] s : new int[][] {{71, 2688}, {9, 1856}}) { // odd row counts: a row left over from the pairs
                int rows = s[0], cols = s[1];
                WeightMatrix w = random(f.type, rows, cols, rnd, arena);
                for (int batch : new int[] {1, 2, 3, 4, 5, 7, 8, 9, 37, 70}) {
                    float[] x = gaussian(batch * cols, rnd), out = new float[batch * rows], single = new float[batch * rows];
                    MatMul.multiply(w, x, batch, out, pool);
                    for (int r = 0; r < rows; r++) w.dotRows(r, x, 0, cols, batch, single, r, rows);
                    for (int b = 0; b < batch; b++) {
                        for (int r = 0; r < rows; r++) {
                            float dot = w.dot(r, x, b * cols);
                            assertThat(out[b * rows + r]).as("%s %dx%d batch %d input %d row %d", f, rows, cols, batch, b, r).isEqualTo(dot);
                            assertThat(single[b * rows + r]).as("%s dotRows batch %d input %d row %d", f, batch, b, r).isEqualTo(dot);
                        }
                    }
                }
            }
        }
    }
}
