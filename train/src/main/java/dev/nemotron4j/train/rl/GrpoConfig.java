package dev.nemotron4j.train.rl;

import dev.nemotron4j.train.optim.AdamW;

/**
 * Settings of a GRPO run (the {@code rl} stage).
 *
 * @param seed                run seed: sampling seeds derive from it, step and slot
 * @param promptsPerStep      prompts per step
 * @param groupSize           G, completions per prompt (the recipe uses 8–16)
 * @param maxCompletionTokens generation limit per completion
 * @param temperature         sampling temperature (1 = the policy itself; the importance check compares the
 *                            trainer with the engine's raw distribution, which is the sampling one only at 1)
 * @param learningRate        AdamW learning rate (constant)
 * @param adam                AdamW hyper-parameters
 * @param maxGradNorm         global gradient-norm clip (≤ 0: off)
 * @param clipEpsilon         ε of the ratio clip [1−ε, 1+ε]
 * @param updatesPerBatch     optimizer steps per rollout batch (1 = on-policy: the clip never binds)
 * @param importanceCap       sequences whose trainer/sampler probability ratio leaves [1/cap, cap] are dropped
 * @param formatRewardWeight  w of the format reward
 * @param advantageEpsilon    ε of the advantage's denominator
 * @param freshFraction       share of each step's prompts drawn fresh from the stream (the rest are revisits)
 * @param maxVisits           most times one prompt is trained on
 * @param maxBatch            most sequences the scheduler advances together
 */
public record GrpoConfig(long seed, int promptsPerStep, int groupSize, int maxCompletionTokens, float temperature,
                         double learningRate, AdamW.Settings adam, double maxGradNorm, double clipEpsilon,
                         int updatesPerBatch, double importanceCap, double formatRewardWeight, double advantageEpsilon,
                         double freshFraction, int maxVisits, int maxBatch) {

    public GrpoConfig {
        if (promptsPerStep < 1) throw new IllegalArgumentException("prompts per step must be >= 1, got " + promptsPerStep);
        if (groupSize < 2) throw new IllegalArgumentException("group size must be >= 2 (advantages compare completions), got " + groupSize);
        if (maxCompletionTokens < 1) throw new IllegalArgumentException("max completion tokens must be >= 1, got " + maxCompletionTokens);
        if (!(temperature > 0) || Float.isInfinite(temperature)) throw new IllegalArgumentException("RL sampling temperature must be > 0, got " + temperature);
        if (!(learningRate >= 0)) throw new IllegalArgumentException("learning rate must be >= 0, got " + learningRate);
        if (!(clipEpsilon > 0 && clipEpsilon < 1)) throw new IllegalArgumentException("clip epsilon must be in (0, 1), got " + clipEpsilon);
        if (updatesPerBatch < 1) throw new IllegalArgumentException("updates per batch must be >= 1, got " + updatesPerBatch);
        if (!(importanceCap > 1)) throw new IllegalArgumentException("importance cap must be > 1, got " + importanceCap);
        if (!(advantageEpsilon >= 0)) throw new IllegalArgumentException("advantage epsilon must be >= 0, got " + advantageEpsilon);
        if (maxBatch < 1) throw new IllegalArgumentException("max batch must be >= 1, got " + maxBatch);
        if (adam == null) throw new IllegalArgumentException("AdamW settings are required");
        new Rewards(formatRewardWeight); // validates
        new PassRateCurriculum(i -> null, freshFraction, maxVisits); // validates
    }

    /** The recipe's defaults: 8 prompts × G = 8, 256 tokens, temperature 1, lr 1e-5, ε 0.2, one update per batch, cap 2. */
    public static GrpoConfig defaults(long seed) {
        return new GrpoConfig(seed, 8, 8, 256, 1f, 1e-5, AdamW.Settings.RECIPE, 1.0, 0.2, 1, 2.0, 0.1, 1e-6, 0.5, 4, 64);
    }

    public GrpoConfig withGroup(int prompts, int group, int maxTokens) {
        return new GrpoConfig(seed, prompts, group, maxTokens, temperature, learningRate, adam, maxGradNorm, clipEpsilon,
                updatesPerBatch, importanceCap, formatRewardWeight, advantageEpsilon, freshFraction, maxVisits, maxBatch);
    }

    public GrpoConfig withOptimizer(double lr, int updates) {
        return new GrpoConfig(seed, promptsPerStep, groupSize, maxCompletionTokens, temperature, lr, adam, maxGradNorm, clipEpsilon,
                updates, importanceCap, formatRewardWeight, advantageEpsilon, freshFraction, maxVisits, maxBatch);
    }

    public GrpoConfig withImportanceCap(double cap) {
        return new GrpoConfig(seed, promptsPerStep, groupSize, maxCompletionTokens, temperature, learningRate, adam, maxGradNorm, clipEpsilon,
                updatesPerBatch, cap, formatRewardWeight, advantageEpsilon, freshFraction, maxVisits, maxBatch);
    }
}
