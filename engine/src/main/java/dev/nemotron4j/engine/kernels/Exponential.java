package dev.nemotron4j.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code exp(x)} for {@code x ≤ 0} (softmax weights {@code exp(s − max)}) from exactly specified operations only:
 * Cody–Waite range reduction {@code x = n·ln2 + r}, a degree-7 polynomial for {@code e^r}, and {@code 2^n} built
 * from its exponent bits. Within 2 ulp of {@link Math#exp}.
 *
 * <p>Why not {@code lanewise(VectorOperators.EXP)}: the JIT computes that with a native math library while
 * interpreted and early-tier code falls back to {@link Math#exp} per lane, and the two differ in the last bit —
 * the same request then gave different logits before and after warm-up. Adds, multiplies, fused multiply-adds,
 * conversions and shifts give the same bits in every tier, and {@link #expNonPositive(float)} repeats them in
 * scalar code (the twin the tests compare bit for bit).
 */
public final class Exponential {
    private Exponential() {}

    private static final VectorSpecies<Float> F = VectorWidth.FLOAT;

    /** Below this, {@code e^x} is under the smallest normal float: the result is 0 (subnormal weights dropped). */
    static final float CUTOFF = -87.0f;
    private static final float LOG2E = 1.44269504f;
    private static final float LN2_HI = 0.693359375f;   // ln 2 rounded to 9 significant bits: n·LN2_HI is exact
    private static final float LN2_LO = -2.12194440e-4f; // ln 2 − LN2_HI
    private static final float C2 = 1f / 2, C3 = 1f / 6, C4 = 1f / 24, C5 = 1f / 120, C6 = 1f / 720, C7 = 1f / 5040;

    /** {@code e^x} lane-wise for lanes {@code ≤ 0} (−∞ gives 0). */
    public static FloatVector expNonPositive(FloatVector x) {
        FloatVector clamped = x.max(CUTOFF);
        // n = round(x·log2 e): for y ≤ 0, truncating y − 0.5 toward zero rounds to nearest
        IntVector n = (IntVector) clamped.mul(LOG2E).sub(0.5f).convert(VectorOperators.F2I, 0);
        FloatVector nf = (FloatVector) n.convert(VectorOperators.I2F, 0);
        FloatVector r = nf.neg().fma(FloatVector.broadcast(F, LN2_HI), clamped);
        r = nf.neg().fma(FloatVector.broadcast(F, LN2_LO), r);
        FloatVector p = r.fma(C7, C6);
        p = p.fma(r, FloatVector.broadcast(F, C5));
        p = p.fma(r, FloatVector.broadcast(F, C4));
        p = p.fma(r, FloatVector.broadcast(F, C3));
        p = p.fma(r, FloatVector.broadcast(F, C2));
        p = p.fma(r, FloatVector.broadcast(F, 1f));
        p = p.fma(r, FloatVector.broadcast(F, 1f));
        FloatVector scale = n.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(scale).blend(0f, x.compare(VectorOperators.LT, CUTOFF));
    }

    /**
     * {@code a[off + i] = e^(a[off + i] − shift)} for {@code i < n} (a multiple of the vector length, values
     * {@code ≤ shift}); returns their sum, vector by vector through {@link LaneSum} (with {@link VectorWidth#SCALAR},
     * the scalar twin element by element, summed in order). Arrays in and out, so a large caller that does not
     * inline it boxes nothing.
     */
    public static float expShiftedInPlace(float[] a, int off, int n, float shift) {
        float sum = 0f;
        if (VectorWidth.SCALAR) {
            for (int i = off; i < off + n; i++) {
                a[i] = expNonPositive(a[i] - shift);
                sum += a[i];
            }
            return sum;
        }
        for (int i = 0; i < n; i += F.length()) {
            FloatVector e = expNonPositive(FloatVector.fromArray(F, a, off + i).sub(shift));
            e.intoArray(a, off + i);
            sum += LaneSum.sum(e);
        }
        return sum;
    }

    /** Scalar twin of {@link #expNonPositive(FloatVector)}: the same operations in the same order, bit-identical. */
    public static float expNonPositive(float x) {
        if (x < CUTOFF) return 0f; // (the vector form clamps instead, then zeroes these lanes)
        int n = (int) (x * LOG2E - 0.5f);
        float nf = n;
        float r = Math.fma(-nf, LN2_HI, x);
        r = Math.fma(-nf, LN2_LO, r);
        float p = Math.fma(r, C7, C6);
        p = Math.fma(p, r, C5);
        p = Math.fma(p, r, C4);
        p = Math.fma(p, r, C3);
        p = Math.fma(p, r, C2);
        p = Math.fma(p, r, 1f);
        p = Math.fma(p, r, 1f);
        return p * Float.intBitsToFloat((n + 127) << 23);
    }
}
