package dev.nemotron4j.engine.kernels;

import dev.nemotron4j.engine.formats.gguf.GgmlQuantizer;
import dev.nemotron4j.engine.weights.DType;
import dev.nemotron4j.engine.weights.ModelFormatException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.within;

/**
 * The {@link WeightMatrix} contract, checked the same way for every storage type at the real model's widths, at the
 * vector width of this run (the engine's build runs this suite once per width, {@link VectorWidth}):
 * <ul>
 *   <li>{@code readRow} is the exact dequantization of the row's bytes ({@link GgmlBlocks}, or the exact widening of a
 *       float type) and finite, blocks with a zero scale included;</li>
 *   <li>{@code dot} and {@code dotScalar} agree with {@code readRow · x} summed in double, within float32 rounding of
 *       {@code Σ|w·x|}; with scalar kernels ({@link VectorWidth#SCALAR}) {@code dot} is its scalar twin, bit for bit;</li>
 *   <li>{@code dotRange} (one input against a range of rows) is bit-identical to {@code dot} of each row;</li>
 *   <li>{@code dotRows}, {@code multiplyRows} (from a first row past 0, leaving other outputs alone) and
 *       {@link MatMul#multiply} on a pool, for decode-sized batches (1–9, 17) and prefill-sized ones (37, 70: past a
 *       tile of 32), are bit-identical to {@code dot} of each row and input, as {@link WeightMatrix} promises, with inputs
 *       at an offset, strides wider than a row, and the inputs left unchanged;</li>
 *   <li>{@code rowSlice} (also of a slice) has the rows, bytes and products of the rows it covers.</li>
 * </ul>
 * Shapes: hidden 2688, expert 1856, shared expert 3712 and Mamba/attention 4096 columns where the block size divides
 * them, and tails (odd block and vector counts, a column past the last vector, one block); odd row counts past the
 * prefetched panels (32 rows of 16-bit floats, 45 and 85 rows of 4096 in Q8_0 and Q4_0), so panels, row pairs and 4-row
 * blocks have remainders (the extra runs at set widths take the smaller shapes, {@link #WIDTH_RUN}). Random data:
 * block types alternate rows of random valid blocks (random bytes, finite scales: every code value, also those a
 * quantizer never writes) and, where {@link GgmlQuantizer} supports the type, quantized Gaussian floats; float types
 * are Gaussian floats rounded to the type. Row 0 has every third block zeroed (a zero scale).
 *
 * <p><b>Adding a type is one line in {@link #KINDS}:</b> {@code Kind.blocks(DType.X, halves(offsets of its half-precision
 * scales in a block))} for a type {@link WeightMatrix#of} builds (another scale encoding: a {@link ScaleWriter} lambda),
 * and {@code .as("name", YourMatrix::new)} for a kernel class of an existing type that {@code WeightMatrix.of} does not
 * (yet) return. {@link #everyWeightTypeIsUnderContract} fails while a type that {@code WeightMatrix.of} accepts has no line.
 * {@code -Dnemotron4j.contract.kinds=Q4_0,Q8_0} runs only the kinds named.
 */
class WeightMatrixContractTest {

    /** Writes finite scales into one block of random bytes (the codes stay random). */
    @FunctionalInterface
    interface ScaleWriter {
        void write(MemorySegment block, Random rnd);
    }

    /** Wraps a matrix's bytes in the class under test. */
    @FunctionalInterface
    interface Wrapper {
        WeightMatrix wrap(MemorySegment data, int rows, int cols);
    }

    /**
     * One kind of matrix under contract: its storage type, how to make valid random blocks of it, its class, and the
     * factor its rows carry over the stored values (1 but for {@link ScaledMatrix}).
     */
    record Kind(String name, DType type, ScaleWriter scales, Wrapper wrapper, float rowScale) {
        /** A float type: every row Gaussian floats rounded to it. */
        static Kind floats(DType type) {
            return new Kind(type.name(), type, null, (d, r, c) -> WeightMatrix.of(type, d, r, c, "contract " + type), 1f);
        }

        /** A block type that {@link WeightMatrix#of} builds, with its scales written by {@code scales}. */
        static Kind blocks(DType type, ScaleWriter scales) {
            return new Kind(type.name(), type, scales, (d, r, c) -> WeightMatrix.of(type, d, r, c, "contract " + type), 1f);
        }

        /** The same data in another class (e.g. a new kernel for the type). */
        Kind as(String name, Wrapper wrapper) {
            return new Kind(name, type, scales, wrapper, rowScale);
        }

        /** This kind behind a {@link ScaledMatrix} of {@code factor}. */
        Kind scaled(float factor) {
            return new Kind(name + " x " + factor, type, scales, (d, r, c) -> new ScaledMatrix(wrapper.wrap(d, r, c), factor), rowScale * factor);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Each block's half-precision scales at these byte offsets: ±[0.004, 0.008), never 0, NaN or infinite. */
    static ScaleWriter halves(int... offsets) {
        return (block, rnd) -> {
            for (int o : offsets) block.set(LE_SHORT, o, Float.floatToFloat16((rnd.nextBoolean() ? 1 : -1) * 0.004f * (1 + rnd.nextFloat())));
        };
    }

    /** Every kind of matrix the engine has: one line each (see the class comment). */
    static final List<Kind> KINDS = List.of(
            Kind.floats(DType.F32),
            Kind.floats(DType.BF16),
            Kind.floats(DType.F16),
            Kind.blocks(DType.Q8_0, halves(0)),
            Kind.blocks(DType.Q4_0, halves(0)),
            Kind.blocks(DType.Q4_1, halves(0, 2)),
            Kind.blocks(DType.Q5_0, halves(0)),
            Kind.blocks(DType.Q5_1, halves(0, 2)),
            Kind.blocks(DType.Q2_K, halves(80, 82)),
            Kind.blocks(DType.Q3_K, halves(108)),
            Kind.blocks(DType.Q4_K, halves(0, 2)),
            Kind.blocks(DType.Q5_K, halves(0, 2)),
            Kind.blocks(DType.Q6_K, halves(208)),
            Kind.blocks(DType.IQ4_NL, halves(0)),
            Kind.blocks(DType.IQ4_XS, halves(0)),
            Kind.blocks(DType.IQ2_XXS, halves(0)),
            Kind.blocks(DType.IQ2_XS, halves(0)),
            Kind.blocks(DType.IQ2_S, halves(0)),
            Kind.blocks(DType.IQ3_XXS, halves(0)),
            Kind.blocks(DType.IQ3_S, halves(0)),
            Kind.blocks(DType.IQ1_S, halves(0)),
            Kind.blocks(DType.IQ1_M, WeightMatrixContractTest::iq1mScale),
            Kind.blocks(DType.MXFP4, (block, rnd) -> block.set(ValueLayout.JAVA_BYTE, 0, (byte) (118 + rnd.nextInt(8)))), // E8M0: 2^-10 .. 2^-3
            Kind.blocks(DType.NVFP4, WeightMatrixContractTest::nvfp4Scales),
            Kind.blocks(DType.NVFP4, WeightMatrixContractTest::nvfp4Scales).scaled(0.75f),
            Kind.blocks(DType.F8_E4M3, WeightMatrixContractTest::noE4m3NaN),
            Kind.blocks(DType.F8_E4M3, WeightMatrixContractTest::noE4m3NaN).scaled(0.0375f),
            Kind.blocks(DType.NVFP4, WeightMatrixContractTest::nvfp4Scales).as("NVFP4 ModelOpt", WeightMatrixContractTest::modelOptNvfp4),
            Kind.blocks(DType.NVFP4, WeightMatrixContractTest::nvfp4Scales).as("NVFP4 ModelOpt", WeightMatrixContractTest::modelOptNvfp4).scaled(0.75f));

    /** FP8 codes: every random byte but the two NaN codes (a loader rejects those, {@link E4m3#findNaN}). */
    private static void noE4m3NaN(MemorySegment code, Random rnd) {
        byte b = code.get(ValueLayout.JAVA_BYTE, 0);
        if (E4m3.isNaN(b & 0xFF)) code.set(ValueLayout.JAVA_BYTE, 0, (byte) (b ^ (1 + rnd.nextInt(7))));
    }

    /**
     * The same NVFP4 values in ModelOpt's layout ({@link ModelOptNvfp4Matrix}): GGUF's 64-element blocks (4 scale bytes,
     * then per 16 elements 8 bytes holding elements 0–7 low, 8–15 high) re-laid as codes [rows, cols/2] (element 2i low,
     * 2i+1 high) and scales [rows, cols/16]. ggml's doubled codes times its halved scale are ModelOpt's E2M1 times E4M3:
     * the same values, bit for bit, and the same 9/16 byte per weight.
     */
    private static WeightMatrix modelOptNvfp4(MemorySegment gguf, int rows, int cols) {
        Arena arena = Arena.ofAuto();
        MemorySegment codes = arena.allocate((long) rows * cols / 2), scales = arena.allocate((long) rows * cols / 16);
        int blocks = cols / 64;
        for (int r = 0; r < rows; r++) {
            for (int blk = 0; blk < blocks; blk++) {
                long o = ((long) r * blocks + blk) * 36;
                for (int s = 0; s < 4; s++) {
                    scales.set(ValueLayout.JAVA_BYTE, (long) r * (cols / 16) + blk * 4 + s, gguf.get(ValueLayout.JAVA_BYTE, o + s));
                    for (int j = 0; j < 16; j++) {
                        int b = gguf.get(ValueLayout.JAVA_BYTE, o + 4 + 8 * s + (j & 7)) & 0xFF;
                        int nibble = j < 8 ? b & 0xF : b >>> 4;
                        if (nibble == 8) nibble = 0; // ggml's code 8 is +0, E2M1's is -0: the same zero as readRow gives it
                        long e = (long) r * cols + blk * 64 + 16 * s + j, at = e / 2;
                        int old = codes.get(ValueLayout.JAVA_BYTE, at) & 0xFF;
                        codes.set(ValueLayout.JAVA_BYTE, at, (byte) (e % 2 == 0 ? old & 0xF0 | nibble : old & 0x0F | nibble << 4));
                    }
                }
            }
        }
        return new ModelOptNvfp4Matrix(codes, scales, rows, cols);
    }

    /** IQ1_M's half-precision scale: its four nibbles in the top nibbles of the four 16-bit scale words at byte 48. */
    private static void iq1mScale(MemorySegment block, Random rnd) {
        short d = Float.floatToFloat16((rnd.nextBoolean() ? 1 : -1) * 0.004f * (1 + rnd.nextFloat()));
        for (int k = 0; k < 4; k++) {
            long at = 48 + 2L * k;
            int word = block.get(LE_SHORT, at) & 0x0FFF | ((d >>> (4 * k)) & 0xF) << 12;
            block.set(LE_SHORT, at, (short) word);
        }
    }

    /** NVFP4's four sub-block scales (unsigned E4M3 bytes 0–3), exponents 3–7: 2^-4 .. 2^0 times 1.0–1.875. */
    private static void nvfp4Scales(MemorySegment block, Random rnd) {
        for (int k = 0; k < 4; k++) block.set(ValueLayout.JAVA_BYTE, k, (byte) ((3 + rnd.nextInt(5)) << 3 | rnd.nextInt(8)));
    }

    /**
     * Matrix shapes {rows, cols, 1 if in every width's run}; each kind takes those whose columns are whole blocks.
     * Small ones first: the kernels start interpreted, which is slow for vector code, and are compiled by the time the
     * big shapes run.
     */
    private static final int[][] SHAPES = {
            {3, 1, 1},
            {5, 13, 1},
            {3, 32, 1},     // one block
            {5, 96, 1},     // an odd number of 32-blocks
            {3, 256, 1},    // one super-block
            {7, 2689, 1},   // a column past the last vector
            {7, 2688 + VectorWidth.LANES, 1}, // an odd number of vectors (at this width)
            {11, 2816, 1},  // 11 super-blocks
            {37, 1856, 1},  // routed expert; one bfloat16 panel (32 rows), a 4-row block and a row left over
            {9, 3712, 0},   // shared expert
            {37, 2688, 0},  // hidden
            {87, 4096, 0},  // Mamba / attention: past one prefetched panel of Q8_0 (45 rows) and Q4_0 (85 rows), odd remainders
    };

    /**
     * Whether this is one of the build's extra runs at a set width (which name it in {@value VectorWidthTest#EXPECTED}):
     * they take the shapes marked for every run and skip batch 70, the default run takes everything. (A width above the
     * CPU's is emulated by the Vector API, many times slower.)
     */
    static final boolean WIDTH_RUN = System.getProperty(VectorWidthTest.EXPECTED) != null;

    private static final int[] DOT_ROWS_BATCHES = {1, 2, 3, 4, 5, 6, 7, 8, 9, 17};
    private static final int[] MULTIPLY_ROWS_BATCHES = {1, 2, 3, 4, 5, 6, 7, 8, 9, 17, 37};
    private static final int[] MATMUL_BATCHES = WIDTH_RUN ? new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 17, 37} : new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 17, 37, 70};
    /** Inputs checked against the double-precision reference and the scalar twin, per row. */
    private static final int REFERENCE_INPUTS = 3;

    private static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final WorkerPool POOL = new WorkerPool(2);

    @AfterAll
    static void closePool() {
        POOL.close();
    }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        String only = System.getProperty("nemotron4j.contract.kinds"); // e.g. -Dnemotron4j.contract.kinds=Q4_0,Q8_0 while working on those
        for (Kind kind : KINDS) {
            if (only != null && Arrays.stream(only.split(",")).noneMatch(kind.name()::equals)) continue;
            for (int[] s : SHAPES) {
                if (s[1] % kind.type().blockSize() == 0 && (s[2] == 1 || !WIDTH_RUN)) cases.add(Arguments.of(kind, s[0], s[1]));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} [{1} x {2}]")
    @MethodSource("cases")
    void honoursTheContract(Kind kind, int rows, int cols) {
        Random rnd = new Random(31L * rows + cols + kind.name().hashCode());
        try (Arena arena = Arena.ofShared()) {
            MemorySegment data = randomData(kind, rows, cols, rnd, arena);
            WeightMatrix w = kind.wrapper().wrap(data, rows, cols);
            String what = kind + " [" + rows + " x " + cols + "] at " + VectorWidth.describe();
            assertThat(w.rows()).as(what).isEqualTo(rows);
            assertThat(w.cols()).as(what).isEqualTo(cols);
            assertThat(w.byteSize()).as(what).isEqualTo(kind.type().byteSize((long) rows * cols));

            int maxBatch = Arrays.stream(MATMUL_BATCHES).max().orElseThrow();
            int xOff = 7, xStride = cols + 5;
            float[] x = new float[xOff + maxBatch * xStride];
            for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
            float[] xBefore = x.clone();

            float[][] rowValues = checkRowsAndSingleDots(kind, w, data, x, xOff, xStride, what);
            float[][] single = new float[maxBatch][rows]; // single[b][r] = dot(r, input b)
            for (int b = 0; b < maxBatch; b++) {
                for (int r = 0; r < rows; r++) single[b][r] = w.dot(r, x, xOff + b * xStride);
            }
            checkDotRange(w, x, xOff, xStride, single, what);
            checkDotRows(w, x, xOff, xStride, single, what);
            checkMultiplyRows(w, x, xOff, xStride, single, what);
            checkMatMul(w, x, xOff, xStride, single, what);
            if (!Arrays.equals(x, xBefore)) fail("%s: the inputs changed", what);
            checkRowSlices(w, rowValues, x, xOff, single, what);
        }
    }

    /**
     * readRow against the bytes, then per row and the first inputs: dot and dotScalar against the double-precision
     * reference (and each other with scalar kernels). Returns the rows as read.
     */
    private static float[][] checkRowsAndSingleDots(Kind kind, WeightMatrix w, MemorySegment data, float[] x, int xOff, int xStride, String what) {
        int rows = w.rows(), cols = w.cols();
        long rowBytes = kind.type().byteSize(cols);
        float[][] values = new float[rows][cols];
        float[] exact = new float[cols];
        for (int r = 0; r < rows; r++) {
            w.readRow(r, values[r], 0);
            exactRow(kind.type(), data, r * rowBytes, cols, exact);
            for (int i = 0; i < cols; i++) exact[i] *= kind.rowScale();
            for (int i = 0; i < cols; i++) {
                if (!Float.isFinite(values[r][i])) {
                    fail("%s row %d column %d reads %s: random blocks must decode to finite values (its Kind's scales?)", what, r, i, values[r][i]);
                }
                if (Float.floatToRawIntBits(values[r][i]) != Float.floatToRawIntBits(exact[i])) {
                    fail("%s row %d column %d: readRow gives %s, the exact dequantization %s", what, r, i, values[r][i], exact[i]);
                }
            }
            for (int b = 0; b < REFERENCE_INPUTS; b++) {
                int xo = xOff + b * xStride;
                double sum = 0, magnitude = 0;
                for (int i = 0; i < cols; i++) {
                    double p = (double) values[r][i] * x[xo + i];
                    sum += p;
                    magnitude += Math.abs(p);
                }
                double tolerance = 1e-5 * magnitude + 1e-6;
                float dot = w.dot(r, x, xo), scalar = w.dotScalar(r, x, xo);
                assertThat((double) dot).as("%s row %d input %d: dot vs readRow·x", what, r, b).isCloseTo(sum, within(tolerance));
                assertThat((double) scalar).as("%s row %d input %d: dotScalar vs readRow·x", what, r, b).isCloseTo(sum, within(tolerance));
                if (VectorWidth.SCALAR) {
                    assertThat(Float.floatToRawIntBits(dot)).as("%s row %d input %d: with scalar kernels dot is dotScalar (%s vs %s)", what, r, b, dot, scalar)
                            .isEqualTo(Float.floatToRawIntBits(scalar));
                }
            }
        }
        return values;
    }

    /** dotRange over the rows past the first (and over all of them), for the first two inputs: the bits of dot. */
    private static void checkDotRange(WeightMatrix w, float[] x, int xOff, int xStride, float[][] single, String what) {
        int rows = w.rows();
        for (int start : new int[] {rows > 2 ? 1 : 0, 0}) {
            for (int b = 0; b < 2; b++) {
                int outOff = 3;
                float[] out = new float[outOff + rows + 2];
                Arrays.fill(out, Float.NaN);
                w.dotRange(start, rows, x, xOff + b * xStride, out, outOff);
                for (int r = start; r < rows; r++) {
                    float got = out[outOff + r];
                    if (Float.floatToRawIntBits(got) != Float.floatToRawIntBits(single[b][r])) {
                        fail("%s dotRange(%d, %d) input %d: row %d gives %s, dot %s (must be bit-identical)", what, start, rows, b, r, got, single[b][r]);
                    }
                }
                for (int i = 0; i < out.length; i++) {
                    if ((i < outOff + start || i >= outOff + rows) && !Float.isNaN(out[i])) fail("%s dotRange(%d, %d): wrote outside its outputs, at index %d", what, start, rows, i);
                }
            }
        }
    }

    private static void checkDotRows(WeightMatrix w, float[] x, int xOff, int xStride, float[][] single, String what) {
        int rows = w.rows();
        for (int batch : DOT_ROWS_BATCHES) {
            int outOff = 3, outStride = 2;
            float[] out = new float[outOff + batch * outStride];
            for (int r = 0; r < rows; r++) {
                Arrays.fill(out, Float.NaN);
                w.dotRows(r, x, xOff, xStride, batch, out, outOff, outStride);
                for (int b = 0; b < batch; b++) {
                    float got = out[outOff + b * outStride];
                    if (Float.floatToRawIntBits(got) != Float.floatToRawIntBits(single[b][r])) {
                        fail("%s dotRows batch %d: row %d input %d gives %s, dot %s (must be bit-identical)", what, batch, r, b, got, single[b][r]);
                    }
                }
                assertUntouched(out, outOff, outStride, batch, 1, what + " dotRows batch " + batch);
            }
        }
    }

    private static void checkMultiplyRows(WeightMatrix w, float[] x, int xOff, int xStride, float[][] single, String what) {
        int rows = w.rows();
        int start = rows > 2 ? 1 : 0;
        for (int batch : MULTIPLY_ROWS_BATCHES) {
            int outOff = 3, outStride = rows + 2;
            float[] out = new float[outOff + batch * outStride];
            Arrays.fill(out, Float.NaN);
            w.multiplyRows(start, rows, x, xOff, xStride, batch, out, outOff, outStride);
            for (int b = 0; b < batch; b++) {
                for (int r = start; r < rows; r++) {
                    float got = out[outOff + b * outStride + r];
                    if (Float.floatToRawIntBits(got) != Float.floatToRawIntBits(single[b][r])) {
                        fail("%s multiplyRows(%d, %d) batch %d: row %d input %d gives %s, dot %s (must be bit-identical)", what, start, rows, batch, r, b, got, single[b][r]);
                    }
                }
                for (int r = 0; r < start; r++) {
                    assertThat(out[outOff + b * outStride + r]).as("%s multiplyRows batch %d: row %d before the range untouched", what, batch, r).isNaN();
                }
            }
            assertUntouched(out, outOff, outStride, batch, rows, what + " multiplyRows batch " + batch);
        }
    }

    private static void checkMatMul(WeightMatrix w, float[] x, int xOff, int xStride, float[][] single, String what) {
        int rows = w.rows();
        for (int batch : MATMUL_BATCHES) {
            int outOff = 3, outStride = rows + 2;
            float[] out = new float[outOff + batch * outStride];
            Arrays.fill(out, Float.NaN);
            MatMul.multiply(w, x, xOff, xStride, batch, out, outOff, outStride, POOL);
            for (int b = 0; b < batch; b++) {
                for (int r = 0; r < rows; r++) {
                    float got = out[outOff + b * outStride + r];
                    if (Float.floatToRawIntBits(got) != Float.floatToRawIntBits(single[b][r])) {
                        fail("%s MatMul.multiply batch %d: row %d input %d gives %s, dot %s (must be bit-identical)", what, batch, r, b, got, single[b][r]);
                    }
                }
            }
            assertUntouched(out, outOff, outStride, batch, rows, what + " MatMul.multiply batch " + batch);
        }
    }

    /** Outputs outside the {@code width} written per input (before {@code outOff}, and the gap of each stride) stay NaN. */
    private static void assertUntouched(float[] out, int outOff, int outStride, int batch, int width, String what) {
        for (int i = 0; i < out.length; i++) {
            int rel = i - outOff;
            boolean written = rel >= 0 && rel / outStride < batch && rel % outStride < width;
            if (!written && !Float.isNaN(out[i])) fail("%s: wrote outside its outputs, at index %d", what, i);
        }
    }

    private static void checkRowSlices(WeightMatrix w, float[][] rowValues, float[] x, int xOff, float[][] single, String what) {
        int rows = w.rows(), cols = w.cols();
        int first = rows / 3, count = Math.max(1, rows - first - 1);
        WeightMatrix slice = w.rowSlice(first, count);
        assertThat(slice.rows()).as("%s rowSlice(%d, %d) rows", what, first, count).isEqualTo(count);
        assertThat(slice.cols()).as("%s rowSlice cols", what).isEqualTo(cols);
        assertThat(slice.byteSize() * rows).as("%s rowSlice bytes in proportion", what).isEqualTo(w.byteSize() * count);
        float[] row = new float[cols];
        for (int r = 0; r < count; r++) {
            slice.readRow(r, row, 0);
            if (!Arrays.equals(row, rowValues[first + r])) fail("%s rowSlice(%d, %d) row %d differs from row %d", what, first, count, r, first + r);
            float dot = slice.dot(r, x, xOff);
            assertThat(Float.floatToRawIntBits(dot)).as("%s rowSlice row %d dot (%s vs %s)", what, r, dot, single[0][first + r])
                    .isEqualTo(Float.floatToRawIntBits(single[0][first + r]));
        }
        if (count > 1) {
            WeightMatrix inner = slice.rowSlice(1, count - 1);
            inner.readRow(count - 2, row, 0);
            if (!Arrays.equals(row, rowValues[first + count - 1])) fail("%s slice of a slice: last row differs", what);
        }
        WeightMatrix whole = w.rowSlice(0, rows);
        whole.readRow(rows - 1, row, 0);
        if (!Arrays.equals(row, rowValues[rows - 1])) fail("%s rowSlice(0, rows): last row differs", what);
    }

    /** The exact values of a row from its bytes: ggml's dequantization, or the exact widening of a float type. */
    private static void exactRow(DType type, MemorySegment data, long offset, int cols, float[] out) {
        switch (type) {
            case F32 -> MemorySegment.copy(data, ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), offset, out, 0, cols);
            case BF16 -> {
                for (int i = 0; i < cols; i++) out[i] = Float.intBitsToFloat(data.get(LE_SHORT, offset + 2L * i) << 16);
            }
            case F16 -> {
                for (int i = 0; i < cols; i++) out[i] = Float.float16ToFloat(data.get(LE_SHORT, offset + 2L * i));
            }
            case F8_E4M3 -> {
                for (int i = 0; i < cols; i++) out[i] = (float) e4m3(data.get(ValueLayout.JAVA_BYTE, offset + i) & 0xFF);
            }
            default -> GgmlBlocks.dequantizeRun(type, data, offset, cols, out, 0);
        }
    }

    /** E4M3 ("fn") from its definition: bias 7, subnormals m/8·2⁻⁶, independently of {@link E4m3#toFloat}. */
    static double e4m3(int code) {
        int e = (code >>> 3) & 0xF, m = code & 7;
        double v = e == 0 ? m / 8.0 * Math.pow(2, -6) : (1 + m / 8.0) * Math.pow(2, e - 7);
        return (code & 0x80) != 0 ? -v : v;
    }

    /** The matrix's bytes (deliberately unaligned): see the class comment. */
    static MemorySegment randomData(Kind kind, int rows, int cols, Random rnd, Arena arena) {
        DType type = kind.type();
        int rowBytes = Math.toIntExact(type.byteSize(cols)), blockBytes = type.blockBytes();
        MemorySegment data = arena.allocate((long) rows * rowBytes + 1).asSlice(1);
        boolean quantizable = quantizerSupports(type);
        ByteBuffer quantized = ByteBuffer.allocate(rowBytes).order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[cols];
        byte[] bytes = new byte[rowBytes];
        for (int r = 0; r < rows; r++) {
            MemorySegment row = data.asSlice((long) r * rowBytes, rowBytes);
            if (kind.scales() == null || (quantizable && r % 2 == 1)) {
                float scale = 0.02f * (1 + r % 5); // rows of different magnitudes
                for (int i = 0; i < cols; i++) values[i] = (float) rnd.nextGaussian() * scale;
                quantized.clear();
                GgmlQuantizer.quantize(type, values, 0, cols, quantized);
                MemorySegment.copy(MemorySegment.ofArray(quantized.array()), 0, row, 0, rowBytes);
            } else {
                rnd.nextBytes(bytes);
                MemorySegment.copy(MemorySegment.ofArray(bytes), 0, row, 0, rowBytes);
                for (int b = 0; b < rowBytes / blockBytes; b++) kind.scales().write(row.asSlice((long) b * blockBytes, blockBytes), rnd);
            }
            if (r == 0) {
                for (int b = 0; b < rowBytes / blockBytes; b += 3) row.asSlice((long) b * blockBytes, blockBytes).fill((byte) 0);
            }
        }
        return data;
    }

    private static boolean quantizerSupports(DType type) {
        try {
            GgmlQuantizer.quantize(type, new float[type.blockSize()], 0, type.blockSize(), ByteBuffer.allocate(type.blockBytes()).order(ByteOrder.LITTLE_ENDIAN));
            return true;
        } catch (IllegalArgumentException notSupported) {
            return false;
        }
    }

    /** A type that {@link WeightMatrix#of} accepts without a line in {@link #KINDS} would go untested. */
    @Test
    void everyWeightTypeIsUnderContract() {
        try (Arena arena = Arena.ofConfined()) {
            for (DType type : DType.values()) {
                if (!type.isMatrixWeight()) continue;
                int cols = type.blockSize();
                try {
                    WeightMatrix.of(type, arena.allocate(type.byteSize(2L * cols)), 2, cols, "probe");
                } catch (ModelFormatException notComputable) {
                    continue;
                }
                assertThat(KINDS.stream().anyMatch(k -> k.type() == type))
                        .as("%s is a weight type (WeightMatrix.of builds it) without a line in WeightMatrixContractTest.KINDS", type).isTrue();
            }
        }
    }
}
