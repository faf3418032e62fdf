package dev.nemotron4j.engine.model;

import dev.nemotron4j.engine.kernels.MatMul;
import dev.nemotron4j.engine.kernels.WeightMatrix;
import dev.nemotron4j.engine.kernels.WorkerPool;

/**
 * Chooses experts and their weights for each token (ARCHITECTURE.md §7 steps 1–6): float32 router logits,
 * sigmoid scores, correction bias for <em>selection only</em>, optional group-limited selection (excluded
 * experts are −∞, §12 D5), top-k, weights from the unbiased scores, optional renormalisation, then scaling.
 */
public final class ExpertRouter {
    private final WeightMatrix gate;
    private final float[] correctionBias; // may be null
    private final int experts, topK, nGroup, topkGroup;
    private final boolean normalize;
    private final float scaling;
    private final WorkerPool pool;

    private float[] logits = new float[0];
    private final float[] selection;
    private final float[] groupScore;
    private final boolean[] groupKept;

    /** The router over its gate weights and optional correction bias (built by the model loader). */
    public ExpertRouter(WeightMatrix gate, float[] correctionBias, ModelConfig c, WorkerPool pool) {
        this.gate = gate;
        this.correctionBias = correctionBias;
        this.experts = c.nRoutedExperts();
        this.topK = c.numExpertsPerTok();
        this.nGroup = c.nGroup();
        this.topkGroup = c.topkGroup();
        this.normalize = c.normTopkProb();
        this.scaling = c.routedScalingFactor();
        this.pool = pool;
        this.selection = new float[experts];
        this.groupScore = new float[nGroup];
        this.groupKept = new boolean[nGroup];
    }

    public int topK() {
        return topK;
    }

    public int experts() {
        return experts;
    }

    /**
     * Routes {@code rows} tokens.
     *
     * @param scores   out: sigmoid scores [rows, experts]
     * @param chosen   out: selected experts [rows, topK], in descending selection score
     * @param weights  out: final routing weights [rows, topK], same order
     */
    public void route(float[] in, int rows, float[] scores, int[] chosen, float[] weights) {
        if (logits.length < rows * experts) logits = new float[rows * experts];
        MatMul.multiply(gate, in, rows, logits, pool);
        for (int r = 0; r < rows; r++) {
            int base = r * experts;
            for (int e = 0; e < experts; e++) {
                float sig = (float) (1.0 / (1.0 + Math.exp(-logits[base + e])));
                scores[base + e] = sig;
                selection[e] = correctionBias == null ? sig : sig + correctionBias[e];
            }
            if (nGroup > 1) excludeGroups();
            selectTopK(chosen, r * topK);
            float sum = 0f;
            for (int i = 0; i < topK; i++) {
                float w = scores[base + chosen[r * topK + i]];
                weights[r * topK + i] = w;
                sum += w;
            }
            for (int i = 0; i < topK; i++) {
                float w = weights[r * topK + i];
                if (normalize) w = w / (sum + 1e-20f);
                weights[r * topK + i] = w * scaling;
            }
        }
    }

    /** Keeps the {@code topk_group} groups with the largest sum of their two best selection scores. */
    private void excludeGroups() {
        int per = experts / nGroup;
        for (int g = 0; g < nGroup; g++) {
            float best = Float.NEGATIVE_INFINITY, second = Float.NEGATIVE_INFINITY;
            for (int e = g * per; e < (g + 1) * per; e++) {
                float v = selection[e];
                if (v > best) {
                    second = best;
                    best = v;
                } else if (v > second) {
                    second = v;
                }
            }
            groupScore[g] = per >= 2 ? best + second : best;
            groupKept[g] = false;
        }
        for (int k = 0; k < topkGroup; k++) {
            int arg = -1;
            for (int g = 0; g < nGroup; g++) if (!groupKept[g] && (arg < 0 || groupScore[g] > groupScore[arg])) arg = g;
            groupKept[arg] = true;
        }
        for (int g = 0; g < nGroup; g++) {
            if (!groupKept[g]) for (int e = g * per; e < (g + 1) * per; e++) selection[e] = Float.NEGATIVE_INFINITY;
        }
    }

    /** Top-k by selection score (ties to the lower index), written in descending order. */
    private void selectTopK(int[] chosen, int off) {
        for (int i = 0; i < topK; i++) {
            int arg = -1;
            for (int e = 0; e < experts; e++) {
                if (isChosen(chosen, off, i, e)) continue;
                if (arg < 0 || selection[e] > selection[arg]) arg = e;
            }
            chosen[off + i] = arg;
        }
    }

    private static boolean isChosen(int[] chosen, int off, int count, int e) {
        for (int i = 0; i < count; i++) if (chosen[off + i] == e) return true;
        return false;
    }

    public long parameterCount() {
        return (long) gate.rows() * gate.cols() + (correctionBias == null ? 0 : correctionBias.length);
    }

    public long byteSize() {
        return gate.byteSize();
    }
}
