package dev.nemotron4j.engine.kernels;

import dev.nemotron4j.engine.weights.DType;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The 256-element super-block kernels ({@link SuperBlockMatrix}) on random valid super-blocks at the real models'
 * widths: decoding is bit-identical to {@link GgmlBlocks}' scalar definition, {@code dot} and its scalar twin agree
 * with the exactly dequantized row (in double), and every batched path gives each output the bits of the row's own
 * {@code dot}. Runs at whatever {@link VectorWidth} the JVM was started with.
 */
class SuperBlockKernelTest {

    static final DType[] TYPES = {DType.Q2_K, DType.Q3_K, DType.Q4_K, DType.Q5_K, DType.Q6_K, DType.IQ4_XS,
            DType.IQ2_XXS, DType.IQ2_XS, DType.IQ2_S, DType.IQ3_XXS, DType.IQ3_S, DType.IQ1_S, DType.IQ1_M};

    private static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Random code bytes with valid half-precision scales where the type keeps them (small, realistic magnitudes). */
    static MemorySegment randomBlocks(DType type, long blocks, Random rnd, Arena arena) {
        long bytes = blocks * type.blockBytes();
        MemorySegment seg = arena.allocate(bytes + 1).asSlice(1); // deliberately unaligned
        for (long i = 0; i < bytes; i++) seg.set(ValueLayout.JAVA_BYTE, i, (byte) rnd.nextInt());
        for (long b = 0; b < blocks; b++) {
            long o = b * type.blockBytes();
            switch (type) {
                case Q4_K, Q5_K -> {
                    seg.set(LE_SHORT, o, Float.floatToFloat16(0.001f * (1 + rnd.nextFloat())));
                    seg.set(LE_SHORT, o + 2, Float.floatToFloat16(0.001f * rnd.nextFloat()));
                }
                case Q6_K -> seg.set(LE_SHORT, o + 208, Float.floatToFloat16(0.0005f * (1 + rnd.nextFloat())));
                case Q2_K -> {
                    seg.set(LE_SHORT, o + 80, Float.floatToFloat16(0.001f * (1 + rnd.nextFloat())));
                    seg.set(LE_SHORT, o + 82, Float.floatToFloat16(0.001f * rnd.nextFloat()));
                }
                case Q3_K -> seg.set(LE_SHORT, o + 108, Float.floatToFloat16(0.0005f * (1 + rnd.nextFloat())));
                case IQ4_XS, IQ2_XXS, IQ2_XS, IQ2_S, IQ3_XXS, IQ3_S, IQ1_S -> seg.set(LE_SHORT, o, Float.floatToFloat16(0.0005f * (1 + rnd.nextFloat())));
                case IQ1_M -> { // d's 16 bits are the top nibbles of the four scale words
                    int d = Float.floatToFloat16(0.0005f * (1 + rnd.nextFloat())) & 0xFFFF;
                    for (int k = 0; k < 4; k++) {
                        long w = o + 48 + 2L * k;
                        seg.set(LE_SHORT, w, (short) ((seg.get(LE_SHORT, w) & 0x0FFF) | (((d >>> (4 * k)) & 0xF) << 12)));
                    }
                }
                default -> throw new IllegalArgumentException(type.toString());
            }
        }
        return seg;
    }

    static SuperBlockMatrix random(DType type, int rows, int cols, Random rnd, Arena arena) {
        WeightMatrix w = WeightMatrix.of(type, randomBlocks(type, (long) rows * cols / 256, rnd, arena), rows, cols, "test");
        assertThat(w).as("%s has a super-block kernel", type).isInstanceOf(SuperBlockMatrix.class);
        return (SuperBlockMatrix) w;
    }

    private static float[] gaussian(int n, Random rnd) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) rnd.nextGaussian();
        return x;
    }

    @Test
    void decodedWeightsAreBitIdenticalToTheScalarDefinition() {
        Random rnd = new Random(1);
        try (Arena arena = Arena.ofConfined()) {
            for (DType type : TYPES) {
                SuperBlockMatrix w = random(type, 3, 4096, rnd, arena);
                float[] row = new float[4096], expected = new float[4096], block = new float[256 + 3];
                for (int r = 0; r < 3; r++) {
                    w.readRow(r, row, 0);
                    GgmlBlocks.dequantizeRun(type, w.data(), r * w.rowBytes(), 4096, expected, 0);
                    for (int i = 0; i < 4096; i++) {
                        assertThat(Float.floatToRawIntBits(row[i])).as("%s row %d element %d: %s vs %s", type, r, i, row[i], expected[i])
                                .isEqualTo(Float.floatToRawIntBits(expected[i]));
                    }
                    w.decodeBlock(r * w.rowBytes() + 5L * type.blockBytes(), block, 3); // at an offset in the destination
                    assertThat(Arrays.copyOfRange(block, 3, 259)).as("%s block 5 of row %d", type, r).containsExactly(Arrays.copyOfRange(expected, 5 * 256, 6 * 256));
                }
            }
        }
    }

    @Test
    void dotAndScalarTwinAgreeWithTheExactlyDequantizedRow() {
        int[][] shapes = {{13, 4096}, {7, 2048}, {5, 2560}, {3, 256}};
        Random rnd = new Random(2);
        try (Arena arena = Arena.ofConfined()) {
            for (DType type : TYPES) {
                for (int[] s : shapes) {
                    int rows = s[0], cols = s[1];
                    SuperBlockMatrix w = random(type, rows, cols, rnd, arena);
                    float[] x = gaussian(cols + 7, rnd), row = new float[cols];
                    for (int r = 0; r < rows; r++) {
                        GgmlBlocks.dequantizeRun(type, w.data(), r * w.rowBytes(), cols, row, 0);
                        double exact = 0, mag = 0;
                        for (int i = 0; i < cols; i++) {
                            exact += (double) row[i] * x[7 + i];
                            mag += Math.abs((double) row[i] * x[7 + i]);
                        }
                        double tol = 2e-6 * mag + 1e-9;
                        assertThat((double) w.dot(r, x, 7)).as("%s %dx%d row %d dot", type, rows, cols, r).isCloseTo(exact, within(tol));
                        assertThat((double) w.dotScalar(r, x, 7)).as("%s %dx%d row %d scalar twin", type, rows, cols, r).isCloseTo(exact, within(tol));
                    }
                }
            }
        }
    }

    /** Every batched path (decode batches, prefill tiles, odd rows left over from pairs, sub-ranges) against single dots. */
    @Test
    void batchedProductsAreBitIdenticalToSingleDots() {
        Random rnd = new Random(3);
        try (Arena arena = Arena.ofShared(); WorkerPool pool = new WorkerPool(2)) {
            for (DType type : TYPES) {
                int rows = 21, cols = 2560;
                SuperBlockMatrix w = random(type, rows, cols, rnd, arena);
                for (int batch : new int[] {1, 2, 3, 4, 5, 8, 9, 37, 70}) {
                    float[] x = gaussian(batch * cols, rnd);
                    float[] single = new float[batch * rows];
                    for (int b = 0; b < batch; b++) {
                        for (int r = 0; r < rows; r++) single[b * rows + r] = w.dot(r, x, b * cols);
                    }
                    float[] out = new float[batch * rows];
                    MatMul.multiply(w, x, batch, out, pool);
                    assertBitIdentical(out, single, type + " MatMul batch " + batch, rows);
                    Arrays.fill(out, Float.NaN);
                    MatMul.multiply(w, x, batch, out, null);
                    assertBitIdentical(out, single, type + " MatMul on one thread, batch " + batch, rows);
                    Arrays.fill(out, Float.NaN);
                    w.multiplyRows(0, 5, x, 0, cols, batch, out, 0, rows);   // an odd range from the start
                    w.multiplyRows(5, rows, x, 0, cols, batch, out, 0, rows); // and the rest, starting at an odd row
                    assertBitIdentical(out, single, type + " multiplyRows in two ranges, batch " + batch, rows);
                    Arrays.fill(out, Float.NaN);
                    for (int r = 0; r < rows; r++) w.dotRows(r, x, 0, cols, batch, out, r, rows);
                    assertBitIdentical(out, single, type + " dotRows batch " + batch, rows);
                }
            }
        }
    }

    private static void assertBitIdentical(float[] actual, float[] expected, String what, int rows) {
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("%s input %d row %d", what, i / rows, i % rows).isEqualTo(expected[i]);
        }
    }

    /**
     * The K-quants' 16-lane loops stay above the JIT's inline size (-XX:FreqInlineSize, 325 bytecodes), so each is
     * compiled on its own: inlined into {@code dot} next to the vector code of the factor pass, the two overran the
     * JIT's node budget and every vector was boxed (5–10× slower, see docs/ARCHITECTURE.md).
     */
    @Test
    void sixteenLaneLoopsAreCompiledOnTheirOwn() throws java.io.IOException {
        for (Class<?> c : java.util.List.of(Q2KMatrix.class, Q3KMatrix.class, Q4KMatrix.class, Q5KMatrix.class, Q6KMatrix.class)) {
            byte[] bytes;
            try (var in = c.getResourceAsStream(c.getSimpleName() + ".class")) {
                bytes = in.readAllBytes();
            }
            int size = java.lang.classfile.ClassFile.of().parse(bytes).methods().stream()
                    .filter(m -> m.methodName().equalsString("dot16"))
                    .findFirst().orElseThrow()
                    .findAttribute(java.lang.classfile.Attributes.code()).orElseThrow()
                    .codeLength();
            assertThat(size).as("%s.dot16 bytecodes", c.getSimpleName()).isGreaterThan(325);
        }
    }

    @Test
    void rowSlicesSeeTheSameRows() {
        Random rnd = new Random(4);
        try (Arena arena = Arena.ofConfined()) {
            for (DType type : TYPES) {
                SuperBlockMatrix w = random(type, 9, 512, rnd, arena);
                WeightMatrix slice = w.rowSlice(4, 3);
                assertThat(slice.rows()).isEqualTo(3);
                float[] x = gaussian(512, rnd), a = new float[512], b = new float[512];
                for (int r = 0; r < 3; r++) {
                    w.readRow(4 + r, a, 0);
                    slice.readRow(r, b, 0);
                    assertThat(b).as("%s slice row %d", type, r).containsExactly(a);
                    assertThat(slice.dot(r, x, 0)).isEqualTo(w.dot(4 + r, x, 0));
                }
                assertThat(slice.byteSize()).isEqualTo(3L * 2 * type.blockBytes());
            }
        }
    }
}
