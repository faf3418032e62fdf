package dev.nemotron4j.engine.kernels;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.within;

/**
 * The ModelOpt minifloats and kernels where the contract suite's shapes do not reach: every E4M3 code decoded against
 * its definition and re-encoded to itself, the encoder's rounding at every midpoint, E2M1 ties; NVFP4 rows of an odd
 * number of 16-blocks (48, 80 and 2704 inputs: a pair kernel's last block alone) and FP8 rows of any width, against the
 * exact dequantization, with batches and row ranges bit-identical to single dots.
 */
class ModelOptKernelsTest {

    static double e4m3(int code) {
        int e = (code >>> 3) & 0xF, m = code & 7;
        double v = e == 0 ? m / 8.0 * Math.pow(2, -6) : (1 + m / 8.0) * Math.pow(2, e - 7);
        return (code & 0x80) != 0 ? -v : v;
    }

    @Test
    void everyE4m3CodeDecodesExactlyAndEncodesBackToItself() {
        for (int code = 0; code < 256; code++) {
            if (E4m3.isNaN(code)) continue;
            assertThat((double) E4m3.toFloat(code)).as("code %02x", code).isEqualTo(e4m3(code));
            if (code != 0x80) assertThat(E4m3.fromFloat(E4m3.toFloat(code))).as("code %02x round trip", code).isEqualTo(code);
        }
        assertThat(E4m3.isNaN(0x7F)).isTrue();
        assertThat(E4m3.isNaN(0xFF)).isTrue();
        assertThat(E4m3.fromFloat(-0f)).isEqualTo(0x80);
    }

    @Test
    void e4m3RoundsMidpointsToEvenAndSaturates() {
        for (int code = 0; code < 0x7E; code++) { // positive codes and the next one up
            double lo = e4m3(code), hi = e4m3(code + 1), mid = (lo + hi) / 2;
            int even = (code & 1) == 0 ? code : code + 1;
            assertThat(E4m3.fromFloat((float) mid)).as("midpoint of %02x and %02x", code, code + 1).isEqualTo(even);
            assertThat(E4m3.fromFloat(Math.nextDown((float) mid))).isEqualTo(code);
            assertThat(E4m3.fromFloat(Math.nextUp((float) mid))).isEqualTo(code + 1);
            assertThat(E4m3.fromFloat((float) -mid)).isEqualTo(0x80 | even);
        }
        assertThat(E4m3.fromFloat(464f)).isEqualTo(0x7E);
        assertThat(E4m3.fromFloat(1e30f)).isEqualTo(0x7E);
        assertThat(E4m3.fromFloat(Float.NEGATIVE_INFINITY)).isEqualTo(0xFE);
    }

    @Test
    void e2m1RoundsToNearestTiesToEvenWithTheSignKept() {
        float[] in = {0f, 0.25f, 0.26f, 0.75f, 1.25f, 1.75f, 2.5f, 3.5f, 5f, 5.1f, 100f, -0.1f, -0.75f, -7f};
        int[] expected = {0, 0, 1, 2, 2, 4, 4, 6, 6, 7, 7, 8, 8 | 2, 8 | 7};
        for (int i = 0; i < in.length; i++) assertThat(E2m1.fromFloat(in[i])).as("%s", in[i]).isEqualTo(expected[i]);
    }

    @Test
    void nvfp4RowsOfAnOddNumberOfBlocksAndFp8RowsOfAnyWidth() {
        Random rnd = new Random(5);
        try (Arena arena = Arena.ofConfined()) {
            for (int cols : new int[] {16, 48, 80, 2704}) {
                int rows = 5;
                MemorySegment codes = arena.allocate((long) rows * cols / 2), scales = arena.allocate((long) rows * cols / 16);
                for (long i = 0; i < codes.byteSize(); i++) codes.set(ValueLayout.JAVA_BYTE, i, (byte) rnd.nextInt(256));
                for (long i = 0; i < scales.byteSize(); i++) scales.set(ValueLayout.JAVA_BYTE, i, (byte) ((3 + rnd.nextInt(6)) << 3 | rnd.nextInt(8)));
                float[][] exact = new float[rows][cols];
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) {
                        int b = codes.get(ValueLayout.JAVA_BYTE, ((long) r * cols + c) / 2) & 0xFF;
                        double v = E2M1[c % 2 == 0 ? b & 0xF : b >>> 4] * e4m3(scales.get(ValueLayout.JAVA_BYTE, (long) r * cols / 16 + c / 16) & 0xFF);
                        exact[r][c] = (float) v;
                    }
                }
                check("NVFP4 ModelOpt", new ModelOptNvfp4Matrix(codes, scales, rows, cols), exact, rnd);
            }
            for (int cols : new int[] {1, 7, 33, 2689}) {
                int rows = 5;
                MemorySegment data = arena.allocate((long) rows * cols);
                float[][] exact = new float[rows][cols];
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) {
                        int code;
                        do code = rnd.nextInt(256); while (E4m3.isNaN(code));
                        data.set(ValueLayout.JAVA_BYTE, (long) r * cols + c, (byte) code);
                        exact[r][c] = (float) e4m3(code);
                    }
                }
                check("FP8", new Fp8Matrix(data, rows, cols), exact, rnd);
            }
        }
    }

    private static final double[] E2M1 = {0, 0.5, 1, 1.5, 2, 3, 4, 6, -0.0, -0.5, -1, -1.5, -2, -3, -4, -6};

    private static void check(String what, WeightMatrix w, float[][] exact, Random rnd) {
        int rows = w.rows(), cols = w.cols(), batch = 11;
        float[] x = new float[batch * cols];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
        float[] row = new float[cols];
        float[] single = new float[batch * rows];
        for (int r = 0; r < rows; r++) {
            w.readRow(r, row, 0);
            assertThat(row).as("%s [%d cols] row %d", what, cols, r).containsExactly(exact[r]);
            for (int b = 0; b < batch; b++) {
                double sum = 0, mag = 0;
                for (int c = 0; c < cols; c++) {
                    sum += (double) exact[r][c] * x[b * cols + c];
                    mag += Math.abs((double) exact[r][c] * x[b * cols + c]);
                }
                single[b * rows + r] = w.dot(r, x, b * cols);
                assertThat((double) single[b * rows + r]).as("%s [%d cols] dot", what, cols).isCloseTo(sum, within(1e-5 * mag + 1e-6));
                assertThat((double) w.dotScalar(r, x, b * cols)).as("%s [%d cols] dotScalar", what, cols).isCloseTo(sum, within(1e-5 * mag + 1e-6));
            }
        }
        for (int b = 0; b < 2; b++) {
            float[] o = new float[rows];
            w.dotRange(0, rows, x, b * cols, o, 0);
            for (int r = 0; r < rows; r++) if (o[r] != single[b * rows + r]) fail("%s [%d cols] dotRange input %d row %d differs from dot", what, cols, b, r);
        }
        for (int n : new int[] {2, 5, 11}) {
            float[] out = new float[n * rows];
            w.multiplyRows(0, rows, x, 0, cols, n, out, 0, rows);
            if (!Arrays.equals(out, Arrays.copyOf(single, n * rows))) fail("%s [%d cols] multiplyRows batch %d differs from dot", what, cols, n);
            for (int r = 0; r < rows; r++) {
                float[] o = new float[n];
                w.dotRows(r, x, 0, cols, n, o, 0, 1);
                for (int b = 0; b < n; b++) if (o[b] != single[b * rows + r]) fail("%s [%d cols] dotRows batch %d row %d differs", what, cols, n, r);
            }
        }
    }
}
