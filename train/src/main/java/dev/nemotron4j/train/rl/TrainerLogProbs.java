package dev.nemotron4j.train.rl;

import dev.nemotron4j.engine.generation.PromptScorer;
import dev.nemotron4j.engine.generation.TokenLogprobs;
import dev.nemotron4j.engine.model.NemotronHModel;
import dev.nemotron4j.train.data.PackedSequence;
import dev.nemotron4j.train.model.ReferenceTrainingModel;
import dev.nemotron4j.train.model.TrainingModel;

/** Log-probabilities of a rollout's completion under the trainer and under an engine model. */
public final class TrainerLogProbs {
    private TrainerLogProbs() {}

    /**
     * Σ log π_trainer over the completion. The double reference model runs a forward only; any other
     * {@link TrainingModel} runs {@code accumulate(sequence, 0)}, which adds exactly zero to the gradients.
     */
    public static double sequence(TrainingModel model, Rollout rollout) {
        PackedSequence s = rollout.sequence();
        if (model instanceof ReferenceTrainingModel ref) {
            boolean[] mask = s.targetMask();
            double[] weights = new double[s.tokens().length - 1];
            for (int t = 0; t < weights.length; t++) weights[t] = mask[t] ? 1 : 0;
            ref.model().forward(s.tokens(), weights);
            return -ref.model().crossEntropySum();
        }
        return -model.accumulate(s, 0.0).sum();
    }

    /** log π of each completion token under an engine model (its prefill path over prompt + completion). */
    public static double[] perToken(NemotronHModel model, Rollout rollout) {
        int p = rollout.prompt().length, n = rollout.completion().length;
        int[] ids = rollout.sequence().tokens();
        TokenLogprobs[] scored = PromptScorer.score(model, ids, 0);
        double[] out = new double[n];
        for (int t = 0; t < n; t++) out[t] = scored[p + t].logprob();
        return out;
    }
}
