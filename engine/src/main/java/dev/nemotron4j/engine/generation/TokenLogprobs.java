package dev.nemotron4j.engine.generation;

/**
 * Log-probability of a chosen token under the model's raw distribution (before penalties and
 * temperature), and optionally the most likely alternatives.
 */
public record TokenLogprobs(int token, float logprob, int[] topTokens, float[] topLogprobs) {

    /** Computes log-softmax terms from {@code logits[off .. off+vocab)}; {@code top} alternatives (may be 0). */
    public static TokenLogprobs of(float[] logits, int off, int vocab, int token, int top) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) max = Math.max(max, logits[off + i]);
        double sum = 0;
        for (int i = 0; i < vocab; i++) sum += Math.exp(logits[off + i] - max);
        float logZ = (float) (max + Math.log(sum));
        int[] ids = new int[Math.max(0, Math.min(top, vocab))];
        float[] lps = new float[ids.length];
        if (ids.length > 0) {
            java.util.Arrays.fill(ids, -1);
            for (int i = 0; i < vocab; i++) {
                float v = logits[off + i];
                int pos = ids.length;
                while (pos > 0 && (ids[pos - 1] < 0 || v > logits[off + ids[pos - 1]])) pos--;
                if (pos < ids.length) {
                    System.arraycopy(ids, pos, ids, pos + 1, ids.length - pos - 1);
                    ids[pos] = i;
                }
            }
            for (int j = 0; j < ids.length; j++) lps[j] = logits[off + ids[j]] - logZ;
        }
        return new TokenLogprobs(token, logits[off + token] - logZ, ids, lps);
    }
}
