package dev.nemotron4j.train.rl;

import dev.nemotron4j.engine.generation.FinishReason;
import dev.nemotron4j.train.data.PackedSequence;

/**
 * One sampled completion of a prompt and its reward.
 *
 * @param task            the prompt's task
 * @param prompt          the rendered prompt's token ids
 * @param completion      the generated ids (the end-of-turn token included when generated: it is an action too)
 * @param samplerLogProbs log π_sampler of each generated id, from the engine's logits at sampling time
 * @param text            the generated text without the end-of-turn token, as the verifier saw it
 * @param judgement       the verifier's judgement
 * @param reward          correctness plus the format reward ({@link GrpoConfig#formatRewardWeight()})
 * @param finish          why generation stopped
 */
public record Rollout(RlTask task, int[] prompt, int[] completion, double[] samplerLogProbs, String text,
                      RlTask.Judgement judgement, double reward, FinishReason finish) {

    public Rollout {
        if (completion.length != samplerLogProbs.length) {
            throw new IllegalArgumentException(completion.length + " completion tokens with " + samplerLogProbs.length + " log-probs");
        }
    }

    /** Prompt then completion, one document; the target mask selects exactly the completion's tokens. */
    public PackedSequence sequence() {
        return sequence(null);
    }

    /**
     * As {@link #sequence()}, with only the completion tokens whose {@code keep} entry is true as targets
     * ({@code null}: all of them).
     */
    public PackedSequence sequence(boolean[] keep) {
        int p = prompt.length, n = completion.length;
        int[] tokens = new int[p + n];
        System.arraycopy(prompt, 0, tokens, 0, p);
        System.arraycopy(completion, 0, tokens, p, n);
        boolean[] mask = new boolean[p + n];
        for (int t = 0; t < n; t++) mask[p - 1 + t] = keep == null || keep[t]; // position p−1+t predicts completion[t]
        return new PackedSequence(tokens, mask, new int[] {0});
    }

    /** Σ log π_sampler over the completion. */
    public double samplerLogProb() {
        double s = 0;
        for (double l : samplerLogProbs) s += l;
        return s;
    }
}
