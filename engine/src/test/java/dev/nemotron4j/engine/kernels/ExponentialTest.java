package dev.nemotron4j.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The softmax exponential: vector and scalar forms agree bit for bit at the width of this run ({@link VectorWidth}),
 * and both stay within 2 ulp of Math.exp.
 */
class ExponentialTest {

    private static final VectorSpecies<Float> F = VectorWidth.FLOAT;

    private static float[] inputs() {
        Random rnd = new Random(4);
        float[] x = new float[F.length() * 4096];
        for (int i = 0; i < x.length; i++) {
            x[i] = switch (i % 8) {
                case 0 -> -rnd.nextFloat() * 100f;        // the whole range, past the cutoff
                case 1 -> -rnd.nextFloat() * 1e-3f;       // near 0
                case 2 -> -rnd.nextFloat() * 2f;          // typical softmax gaps
                case 3 -> Exponential.CUTOFF - rnd.nextFloat() * 1e-3f;
                case 4 -> Exponential.CUTOFF + rnd.nextFloat() * 1e-3f;
                case 5 -> -Math.round(rnd.nextFloat() * 60) * 0.6931472f; // near multiples of ln 2 (rounding of n)
                case 6 -> i % 16 == 6 ? Float.NEGATIVE_INFINITY : -0f;
                default -> -rnd.nextFloat() * 20f;
            };
        }
        return x;
    }

    @Test
    void vectorAndScalarFormsAreBitIdentical() {
        float[] x = inputs();
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i += F.length()) {
            Exponential.expNonPositive(FloatVector.fromArray(F, x, i)).intoArray(out, i);
        }
        for (int i = 0; i < x.length; i++) {
            assertThat(Float.floatToRawIntBits(out[i])).as("x = %s", x[i]).isEqualTo(Float.floatToRawIntBits(Exponential.expNonPositive(x[i])));
        }
    }

    /** The softmax step: every weight bit-identical to the scalar form, their sum close to the exact one. */
    @Test
    void shiftedInPlaceEqualsTheScalarFormAtThisWidth() {
        float[] x = inputs();
        float shift = 0.75f;
        for (int i = 0; i < x.length; i++) x[i] = Math.min(x[i] + shift, shift); // values ≤ shift (the block max)
        float[] a = x.clone();
        int off = F.length(), n = x.length - 2 * F.length();
        float sum = Exponential.expShiftedInPlace(a, off, n, shift);
        double expected = 0;
        for (int i = 0; i < x.length; i++) {
            boolean inside = i >= off && i < off + n;
            float want = inside ? Exponential.expNonPositive(x[i] - shift) : x[i];
            assertThat(Float.floatToRawIntBits(a[i])).as("index %d, x = %s", i, x[i]).isEqualTo(Float.floatToRawIntBits(want));
            if (inside) expected += want;
        }
        assertThat((double) sum).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-4 * expected));
    }

    @Test
    void withinTwoUlpOfMathExp() {
        for (float x : inputs()) {
            float got = Exponential.expNonPositive(x);
            if (x < Exponential.CUTOFF) {
                assertThat(got).as("x = %s", x).isZero();
                continue;
            }
            float exact = (float) Math.exp(x);
            assertThat(Math.abs(got - exact)).as("x = %s: %s vs %s", x, got, exact).isLessThanOrEqualTo(2 * Math.ulp(exact));
        }
        assertThat(Exponential.expNonPositive(0f)).isEqualTo(1f);
        assertThat(Exponential.expNonPositive(-0f)).isEqualTo(1f);
        assertThat(Exponential.expNonPositive(Float.NEGATIVE_INFINITY)).isZero();
    }
}
