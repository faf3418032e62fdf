package dev.nemotron4j.engine.sampling;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Chooses tokens from logits for one sequence: logit bias → penalties → greedy, or temperature → top-k →
 * top-p → min-p → a seeded draw. Keeps the token counts the penalties need; buffers are allocated once.
 */
public final class Sampler {
    private final SamplingParams params;
    private final SplittableRandom random;
    private final int vocab;
    private final int[] outputCounts;
    private final boolean[] seen; // prompt or output, for the repetition penalty
    private final float[] work;
    private final long[] order;

    public Sampler(SamplingParams params, int vocab) {
        this.params = params;
        this.vocab = vocab;
        this.random = new SplittableRandom(params.seed());
        this.outputCounts = new int[vocab];
        this.seen = new boolean[vocab];
        this.work = new float[vocab];
        this.order = params.greedy() ? new long[0] : new long[vocab];
        for (Map.Entry<Integer, Float> e : params.logitBias().entrySet()) {
            if (e.getKey() < 0 || e.getKey() >= vocab) throw new IllegalArgumentException("logit_bias token id " + e.getKey() + " is outside the vocabulary [0, " + vocab + ")");
        }
    }

    public SamplingParams params() {
        return params;
    }

    /** Registers prompt tokens (they count for the repetition penalty only). */
    public void acceptPrompt(int[] tokens) {
        for (int t : tokens) if (t >= 0 && t < vocab) seen[t] = true;
    }

    /** Registers a generated token. */
    public void accept(int token) {
        outputCounts[token]++;
        seen[token] = true;
    }

    /** Picks the next token from {@code logits[off .. off+vocab)}; the logits are not modified. */
    public int sample(float[] logits, int off) {
        float[] x = work;
        System.arraycopy(logits, off, x, 0, vocab);
        for (Map.Entry<Integer, Float> e : params.logitBias().entrySet()) x[e.getKey()] += e.getValue();
        applyPenalties(x);
        if (params.greedy()) return argmax(x);

        float invT = 1f / params.temperature();
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            x[i] *= invT;
            if (x[i] > max) max = x[i];
        }
        // Sort candidates by descending logit (float bits are order-preserving after the sign fix-up).
        for (int i = 0; i < vocab; i++) order[i] = ((long) sortableBits(x[i]) << 32) | (0xFFFFFFFFL & ~i);
        Arrays.sort(order);
        int n = vocab;
        if (params.topK() > 0) n = Math.min(n, params.topK());
        double sum = 0;
        for (int j = 0; j < n; j++) sum += Math.exp(x[indexAt(vocab - 1 - j)] - max);
        if (params.topP() < 1f) {
            double acc = 0;
            int keep = n;
            for (int j = 0; j < n; j++) {
                acc += Math.exp(x[indexAt(vocab - 1 - j)] - max) / sum;
                if (acc >= params.topP()) {
                    keep = j + 1;
                    break;
                }
            }
            n = keep;
        }
        if (params.minP() > 0f) {
            double floor = Math.log(params.minP()); // relative to the top token, whose shifted logit is 0
            int keep = 1;
            while (keep < n && x[indexAt(vocab - 1 - keep)] - max >= floor) keep++;
            n = keep;
        }
        double total = 0;
        for (int j = 0; j < n; j++) total += Math.exp(x[indexAt(vocab - 1 - j)] - max);
        double u = random.nextDouble() * total;
        double acc = 0;
        for (int j = 0; j < n; j++) {
            int id = indexAt(vocab - 1 - j);
            acc += Math.exp(x[id] - max);
            if (u < acc) return id;
        }
        return indexAt(vocab - 1 - (n - 1));
    }

    private int indexAt(int j) {
        return ~(int) order[j];
    }

    private static int sortableBits(float f) {
        int b = Float.floatToIntBits(f);
        return b >= 0 ? b : b ^ 0x7FFFFFFF;
    }

    private void applyPenalties(float[] x) {
        float rep = params.repetitionPenalty(), pres = params.presencePenalty(), freq = params.frequencyPenalty();
        if (rep == 1f && pres == 0f && freq == 0f) return;
        for (int i = 0; i < vocab; i++) {
            if (rep != 1f && seen[i]) x[i] = x[i] > 0 ? x[i] / rep : x[i] * rep;
            int c = outputCounts[i];
            if (c > 0) x[i] -= pres + freq * c;
        }
    }

    /** Index of the largest value (the lowest index among ties). */
    public static int argmax(float[] x) {
        return argmax(x, 0, x.length);
    }

    public static int argmax(float[] x, int off, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) if (x[off + i] > x[off + best]) best = i;
        return best;
    }
}
