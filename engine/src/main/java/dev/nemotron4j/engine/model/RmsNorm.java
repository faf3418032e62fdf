package dev.nemotron4j.engine.model;

/** {@code x / sqrt(mean(x²) + eps) ⊙ w} over each row, in float32 with a double sum (ARCHITECTURE.md §4). */
public final class RmsNorm {
    private RmsNorm() {}

    public static void apply(float[] x, int xOff, float[] weight, float eps, float[] out, int outOff) {
        int n = weight.length;
        double ss = 0;
        for (int i = 0; i < n; i++) ss += (double) x[xOff + i] * x[xOff + i];
        float inv = (float) (1.0 / Math.sqrt(ss / n + eps));
        for (int i = 0; i < n; i++) out[outOff + i] = x[xOff + i] * inv * weight[i];
    }

    /** Normalises {@code rows} consecutive rows. */
    public static void applyRows(float[] x, int rows, float[] weight, float eps, float[] out) {
        int n = weight.length;
        for (int r = 0; r < rows; r++) apply(x, r * n, weight, eps, out, r * n);
    }
}
