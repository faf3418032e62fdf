package dev.nemotron4j.train.model.fast;

import dev.nemotron4j.engine.kernels.VectorWidth;
import dev.nemotron4j.engine.kernels.WorkerPool;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fast model's kernels against their scalar twins at real shapes (bit for bit where the twin repeats the same
 * exactly rounded operations; within float rounding where lanes are summed in another order), and the products
 * against double sums. The train build runs this class once more at every vector width (train/pom.xml).
 */
class FastKernelsTest {

    @Test
    void theRequestedWidthTookEffect() {
        String expected = System.getProperty("nemotron4j.vector.expected");
        if (expected == null) return;
        int bits = expected.equals("scalar") ? 0 : Integer.parseInt(expected);
        assertThat(VectorWidth.BITS).isEqualTo(bits);
        assertThat(VectorWidth.FLOAT.vectorBitSize()).isEqualTo(Math.max(bits, 128));
        assertThat(VectorWidth.FLOAT.length()).isEqualTo(FloatVector.SPECIES_128.length() * Math.max(bits, 128) / 128);
    }

    /** m, n, k: Nano widths (hidden 2688, expert 1856) cut to a few rows, tails of every kind, tiny fixtures. */
    @ParameterizedTest
    @CsvSource({"1,1,1", "3,5,7", "4,48,16", "7,53,33", "9,2688,5", "5,1856,64", "33,97,129", "64,64,64", "2,131,2688", "13,8,300"})
    void productIsBitIdenticalToItsScalarTwinAndCloseToDouble(int m, int n, int k) {
        SplittableRandom rnd = new SplittableRandom(m * 1000003L + n * 1009L + k);
        // A as a transposed view (row stride 1, column stride m + 3), B with padded rows, C with padded rows
        int aCs = m + 3, bRs = n + 5, cRs = n + 2;
        float[] a = random(rnd, aCs * k + 7), b = random(rnd, bRs * k + 11), c0 = random(rnd, cRs * m + 13);
        for (boolean accumulate : new boolean[] {false, true}) {
            float[] vec = c0.clone(), sca = c0.clone(), par = c0.clone();
            FloatGemm.kernel(a, 2, 1, aCs, b, 3, bRs, vec, 1, cRs, 0, m, 0, n, 0, k, accumulate);
            FloatGemm.kernelScalar(a, 2, 1, aCs, b, 3, bRs, sca, 1, cRs, 0, m, 0, n, 0, k, accumulate);
            assertThat(vec).as("vector kernel = scalar twin, bit for bit").isEqualTo(sca);
            try (WorkerPool pool = new WorkerPool(2)) {
                new FloatGemm(pool).multiply(m, n, k, a, 2, 1, aCs, b, 3, bRs, par, 1, cRs, accumulate);
            }
            assertThat(par).as("split over two threads = one thread").isEqualTo(sca);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = accumulate ? c0[1 + i * cRs + j] : 0, mag = Math.abs(s);
                    for (int x = 0; x < k; x++) {
                        double p = (double) a[2 + i + x * aCs] * b[3 + x * bRs + j];
                        s += p;
                        mag += Math.abs(p);
                    }
                    assertThat((double) vec[1 + i * cRs + j]).isCloseTo(s, org.assertj.core.data.Offset.offset(1e-6 * (k + 1) * mag + 1e-30));
                }
                // padding between rows untouched
                for (int j = n; j < cRs && 1 + i * cRs + j < c0.length; j++) assertThat(vec[1 + i * cRs + j]).isEqualTo(c0[1 + i * cRs + j]);
            }
        }
    }

    @Test
    void productWithSubRangesTouchesOnlyThem() {
        SplittableRandom rnd = new SplittableRandom(5);
        int m = 40, n = 100, k = 70;
        float[] a = random(rnd, m * k), b = random(rnd, k * n), c = random(rnd, m * n), twin = c.clone(), before = c.clone();
        FloatGemm.kernel(a, 0, k, 1, b, 0, n, c, 0, n, 5, 37, 3, 90, 10, 61, true);
        FloatGemm.kernelScalar(a, 0, k, 1, b, 0, n, twin, 0, n, 5, 37, 3, 90, 10, 61, true);
        assertThat(c).isEqualTo(twin);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                if (i < 5 || i >= 37 || j < 3 || j >= 90) assertThat(c[i * n + j]).isEqualTo(before[i * n + j]);
            }
        }
        assertThat(c).isNotEqualTo(before);
    }

    @Test
    void elementWiseKernelsEqualTheirScalarTwins() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int n : new int[] {1, 7, 16, 37, 2688, 4096 + 3}) {
            float[] x = random(rnd, n + 4), z = random(rnd, n + 4), g = random(rnd, n + 4);
            for (int i = 0; i < n; i += 17) x[i] *= 30; // large arguments: the exponential's range
            float[] v1 = new float[n + 4], v2 = new float[n + 4], w1 = new float[n + 4], w2 = new float[n + 4];
            Activations.silu(x, 1, v1, 2, n);
            Activations.siluScalar(x, 1, v2, 2, n);
            assertThat(v1).isEqualTo(v2);
            for (int i = 0; i < n; i++) {
                double xv = x[1 + i];
                assertThat((double) v1[2 + i]).isCloseTo(xv / (1 + Math.exp(-xv)), org.assertj.core.data.Offset.offset(1e-6 * (1 + Math.abs(xv))));
            }
            Activations.gate(x, 1, z, 2, v1, 0, n);
            Activations.gateScalar(x, 1, z, 2, v2, 0, n);
            assertThat(v1).isEqualTo(v2);
            Activations.gateBackward(g, 0, x, 1, z, 2, v1, 3, w1, 1, n);
            Activations.gateBackwardScalar(g, 0, x, 1, z, 2, v2, 3, w2, 1, n);
            assertThat(v1).isEqualTo(v2);
            assertThat(w1).isEqualTo(w2);
            Activations.siluBackward(g, 0, x, 1, v1, 0, n);
            Activations.siluBackwardScalar(g, 0, x, 1, v2, 0, n);
            assertThat(v1).isEqualTo(v2);
            for (int i = 0; i < n; i++) {
                double xv = x[1 + i], s = 1 / (1 + Math.exp(-xv));
                assertThat((double) v1[i]).isCloseTo(g[i] * s * (1 + xv * (1 - s)), org.assertj.core.data.Offset.offset(1e-5 * (1 + Math.abs(g[i] * xv))));
            }
            float[] y1 = z.clone(), y2 = z.clone();
            RowOps.axpy(0.37f, x, 1, y1, 2, n);
            RowOps.axpyScalar(0.37f, x, 1, y2, 2, n);
            assertThat(y1).isEqualTo(y2);
            RowOps.add(x, 0, y1, 1, n);
            RowOps.addScalar(x, 0, y2, 1, n);
            assertThat(y1).isEqualTo(y2);
            RowOps.scale(-1.5f, x, 2, y1, 0, n);
            RowOps.scaleScalar(-1.5f, x, 2, y2, 0, n);
            assertThat(y1).isEqualTo(y2);
            RowOps.reluSquared(x, 0, y1, 1, n);
            RowOps.reluSquaredScalar(x, 0, y2, 1, n);
            assertThat(y1).isEqualTo(y2);
            RowOps.reluSquaredBackward(x, 1, y1, 0, n);
            RowOps.reluSquaredBackwardScalar(x, 1, y2, 0, n);
            assertThat(y1).isEqualTo(y2);
            float[] p1 = x.clone(), p2 = x.clone();
            float max = Softmax.max(p1, 1, n, 0.25f);
            double z1 = Softmax.expShifted(p1, 1, n, 0.25f, max);
            Softmax.expShiftedScalar(p2, 1, n, 0.25f, max);
            double z2 = 0;
            for (int i = 0; i < n; i++) z2 += p2[1 + i];
            assertThat(p1).isEqualTo(p2);
            assertThat(z1).isEqualTo(z2);
            double exact = 0;
            for (int i = 0; i < n; i++) exact += Math.exp(x[1 + i] * 0.25 - max);
            assertThat(z1).isCloseTo(exact, org.assertj.core.data.Offset.offset(1e-6 * exact));
            assertThat((double) FixedLaneSum.dot(x, 1, z, 2, n)).isCloseTo(FixedLaneSum.dotScalar(x, 1, z, 2, n),
                    org.assertj.core.data.Offset.offset(1e-5 * n));
        }
    }

    @Test
    void scanRowsEqualTheirScalarTwins() {
        SplittableRandom rnd = new SplittableRandom(13);
        for (int n : new int[] {8, 16, 64, 67}) {
            float[] st = random(rnd, 3 * n), x = random(rnd, n), y = random(rnd, n);
            float[] st2 = st.clone(), y2 = y.clone();
            for (int prev : new int[] {-1, 0}) {
                FastMamba.stateRow(st, prev, n, 0.9f, 0.03f, x, 0, 1.7f, y, 0, n);
                FastMamba.stateRowScalar(st2, prev, n, 0.9f, 0.03f, x, 0, 1.7f, y2, 0, n);
                assertThat(st).isEqualTo(st2);
                assertThat(y).isEqualTo(y2);
            }
            float[] dS = random(rnd, n), g = random(rnd, n), dx = random(rnd, n);
            float[] dS2 = dS.clone(), dx2 = dx.clone();
            double[] out = new double[4];
            FastMamba.stateGradRow(dS, 0, g, 0, 0.4f, x, 0, st, n, 0.9f, 0.05f, dx, 0, n, out, 0);
            FastMamba.stateGradRowScalar(dS2, 0, g, 0, 0.4f, x, 0, st, n, 0.9f, 0.05f, dx2, 0, n, out, 2);
            assertThat(dS).isEqualTo(dS2);
            assertThat(dx).isEqualTo(dx2);
            assertThat(out[0]).isCloseTo(out[2], org.assertj.core.data.Offset.offset(1e-5 * n));
            assertThat(out[1]).isCloseTo(out[3], org.assertj.core.data.Offset.offset(1e-5 * n));
            assertThat(Math.abs(out[0]) + Math.abs(out[1])).isGreaterThan(0);
        }
    }

    static float[] random(SplittableRandom rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (rnd.nextDouble() * 2 - 1);
        return v;
    }

    static String describe(float[] a) {
        return Arrays.toString(Arrays.copyOf(a, Math.min(8, a.length)));
    }
}
