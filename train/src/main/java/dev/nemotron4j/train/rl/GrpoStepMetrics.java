package dev.nemotron4j.train.rl;

import java.util.Map;

/**
 * What one GRPO step did.
 *
 * @param step               step number (from 0)
 * @param prompts            prompts sampled
 * @param completions        completions sampled (prompts × G)
 * @param meanReward         mean reward over the completions
 * @param passRate           fraction judged correct, overall
 * @param passRateByEnv      fraction judged correct per environment
 * @param zeroVarianceGroups groups whose rewards were all equal (no contribution)
 * @param importanceDropped  completions dropped by the importance-ratio cap
 * @param clippedTokens      completion tokens masked by the ratio clip, summed over the step's updates
 * @param completionTokens   completion tokens sampled (the loss's normaliser)
 * @param gradNorm           global gradient norm before clipping, of the last update
 * @param curriculumPool     prompts waiting for a revisit after this step
 */
public record GrpoStepMetrics(long step, int prompts, int completions, double meanReward, double passRate,
                              Map<String, Double> passRateByEnv, int zeroVarianceGroups, int importanceDropped,
                              long clippedTokens, long completionTokens, double gradNorm, int curriculumPool) {}
