package dev.nemotron4j.engine.kernels;

/**
 * The 4-bit float E2M1 of NVFP4 (OCP FP4): bit 3 is the sign, bits 0–2 index the magnitudes
 * {0, 0.5, 1, 1.5, 2, 3, 4, 6}. Code 8 is −0 (ModelOpt writes it for negative values that round to zero).
 */
public final class E2m1 {
    private E2m1() {}

    /** The value of each of the 16 codes. */
    static final float[] VALUES = {0f, 0.5f, 1f, 1.5f, 2f, 3f, 4f, 6f, -0f, -0.5f, -1f, -1.5f, -2f, -3f, -4f, -6f};

    /** The largest magnitude. */
    public static final float MAX = 6f;

    /** The value of {@code code} (its low 4 bits). */
    public static float toFloat(int code) {
        return VALUES[code & 0xF];
    }

    /**
     * The code nearest to {@code v}, ties to the even code, magnitudes above 6 saturated; the sign bit set for every
     * negative {@code v} (so a small negative value gives code 8, −0). NaN is not accepted.
     *
     * @throws IllegalArgumentException for NaN
     */
    public static int fromFloat(float v) {
        if (Float.isNaN(v)) throw new IllegalArgumentException("NaN has no E2M1 code");
        int sign = v < 0 ? 8 : 0;
        double a = Math.abs((double) v);
        int best = 0;
        for (int c = 1; c < 8; c++) {
            double d = Math.abs(VALUES[c] - a), bd = Math.abs(VALUES[best] - a); // exact in double
            if (d < bd || (d == bd && (c & 1) == 0)) best = c;
        }
        return sign | best;
    }
}
