package dev.nemotron4j.engine.kernels;

/**
 * Per-thread scratch for kernels that decode a weight row once and reuse it (a batch of input rows, or a
 * dequantize-then-dot kernel). Grows on demand and is then reused, so steady-state decoding allocates nothing.
 */
final class RowScratch {
    private static final ThreadLocal<RowScratch> LOCAL = ThreadLocal.withInitial(RowScratch::new);

    float[] values = new float[0];
    float[] scales = new float[0];
    float[] inputs = new float[0];
    float[] scores = new float[0];
    int[] words = new int[0];
    final float[] block = new float[SuperBlockMatrix.BLOCK];
    float[] factors = new float[0];

    /** One super-block's decoded weights ({@link SuperBlockMatrix}; separate from {@link #values}, which holds decoded rows). */
    static float[] block() {
        return LOCAL.get().block;
    }

    /** Room for {@code n} scale factors unpacked from super-block headers (e.g. {@link KScales}; separate from {@link #values}). */
    static float[] factors(int n) {
        RowScratch s = LOCAL.get();
        if (s.factors.length < n) s.factors = new float[n];
        return s.factors;
    }

    /** A block's attention scores per head ({@code AttentionKernel}; separate from {@link #values}, its widened cache block). */
    static float[] scores(int n) {
        RowScratch s = LOCAL.get();
        if (s.scores.length < n) s.scores = new float[n];
        return s.scores;
    }

    /** Split input rows for one {@code dotRows} call (separate from {@link #values}, which the row decode uses). */
    static float[] inputs(int n) {
        RowScratch s = LOCAL.get();
        if (s.inputs.length < n) s.inputs = new float[n];
        return s.inputs;
    }

    /** Per-block words of a row pair (the fifth-bit words of Q5 blocks), next to {@link #scales}. */
    static int[] words(int n) {
        RowScratch s = LOCAL.get();
        if (s.words.length < n) s.words = new int[n];
        return s.words;
    }

    static RowScratch get(int values, int scales) {
        RowScratch s = LOCAL.get();
        if (s.values.length < values) s.values = new float[values];
        if (s.scales.length < scales) s.scales = new float[scales];
        return s;
    }
}
