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
        return sampleScaled(x, max);
    }

    /**
     * Candidates: tokens at most this far below the top logit. In the descending order every step below follows, the
     * others come last, and each of their weights exp(x − max) is below 2⁻⁵³, less than half an ulp of any running
     * sum that began with the top token's weight of 1: adding them changes no sum. So the candidates, sorted, are a
     * prefix of the whole sorted vocabulary that decides every choice exactly as sorting it all would.
     */
    static final float CANDIDATE_FLOOR = -37f;

    /**
     * Temperature-scaled logits {@code x} with maximum {@code max} → top-k → top-p → min-p → a seeded draw, over the
     * tokens in descending order (ties: lower id first). Only the candidates ({@link #CANDIDATE_FLOOR}) are ordered,
     * and of them only the k largest under top-k (partial selection); the whole vocabulary is sorted only when a
     * step reaches past the candidates (top-p or min-p so close to keeping everything that the negligible tail
     * counts; or a draw of exactly the total), which never changes a choice.
     */
    private int sampleScaled(float[] x, float max) {
        int c = 0;
        for (int i = 0; i < vocab; i++) {
            if (x[i] - max >= CANDIDATE_FLOOR) order[c++] = key(x[i], i);
        }
        int n = vocab;
        if (params.topK() > 0) n = Math.min(n, params.topK());
        int m; // candidates in order: element j is indexAt(top - j)
        if (n < c) {
            LongSelection.largestToEnd(order, c, n);
            Arrays.sort(order, c - n, c);
            m = n;
        } else {
            Arrays.sort(order, 0, c);
            m = c;
        }
        top = c - 1;
        int known = Math.min(n, m); // steps over [known, n) add nothing (see CANDIDATE_FLOOR)
        double sum = 0;
        for (int j = 0; j < known; j++) sum += Math.exp(x[candidate(j)] - max);
        if (params.topP() < 1f) {
            double acc = 0;
            int keep = -1;
            for (int j = 0; j < known; j++) {
                acc += Math.exp(x[candidate(j)] - max) / sum;
                if (acc >= params.topP()) {
                    keep = j + 1;
                    break;
                }
            }
            if (keep < 0 && n > known) return sampleSortingAll(x, max); // the tail's quotients may still count
            n = keep < 0 ? n : keep;
            known = Math.min(n, m);
        }
        if (params.minP() > 0f) {
            double floor = Math.log(params.minP()); // relative to the top token, whose shifted logit is 0
            int keep = 1;
            while (keep < known && x[candidate(keep)] - max >= floor) keep++;
            if (keep == known && known < n && floor <= CANDIDATE_FLOOR) return sampleSortingAll(x, max);
            n = keep;
            known = Math.min(n, m);
        }
        double total = 0;
        for (int j = 0; j < known; j++) total += Math.exp(x[candidate(j)] - max);
        double u = random.nextDouble() * total;
        double acc = 0;
        for (int j = 0; j < known; j++) {
            int id = candidate(j);
            acc += Math.exp(x[id] - max);
            if (u < acc) return id;
        }
        if (n == known) return candidate(n - 1);
        // u rounded up to the total: the last kept token in the order of the whole vocabulary
        sortAll(x);
        return indexAt(vocab - 1 - (n - 1));
    }

    /** The old path, sorting the whole vocabulary (used where the negligible tail decides a step). */
    private int sampleSortingAll(float[] x, float max) {
        sortAll(x);
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
            double floor = Math.log(params.minP());
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

    /** Sorts every token by descending logit (float bits are order-preserving after the sign fix-up; ties: lower id first). */
    private void sortAll(float[] x) {
        for (int i = 0; i < vocab; i++) order[i] = key(x[i], i);
        Arrays.sort(order);
    }

    /** Position of the top candidate in {@link #order}. */
    private int top;

    /** The j-th candidate in descending order. */
    private int candidate(int j) {
        return indexAt(top - j);
    }

    private static long key(float v, int id) {
        return ((long) sortableBits(v) << 32) | (0xFFFFFFFFL & ~id);
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
