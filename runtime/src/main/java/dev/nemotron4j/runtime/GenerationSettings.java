package dev.nemotron4j.runtime;

import dev.nemotron4j.chat.budget.ThinkingBudget;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * How to generate, independent of the prompt: sampling, limits, stop conditions, reasoning budget, logprobs.
 *
 * @param sampling         how each next token is picked
 * @param maxTokens        most tokens to generate
 * @param stopStrings      the output ends before the first of these (not included)
 * @param extraStopTokens  ids that end generation in addition to the model's end-of-turn ids
 * @param ignoreEos        do not stop at the model's end-of-turn ids
 * @param budget           reasoning budget, or null for none (PROTOCOL.md §5)
 * @param budgetEndingIds  ids to force when the budget is spent instead of the default ending, or null
 * @param topLogprobs      -1: none; 0: the chosen token's; n: also the top n
 * @param timeout          wall-clock limit, or null
 */
public record GenerationSettings(Sampling sampling, int maxTokens, List<String> stopStrings, Set<Integer> extraStopTokens,
                                 boolean ignoreEos, ThinkingBudget budget, List<Integer> budgetEndingIds, int topLogprobs,
                                 Duration timeout) {
    public GenerationSettings {
        stopStrings = stopStrings == null ? List.of() : List.copyOf(stopStrings);
        extraStopTokens = extraStopTokens == null ? Set.of() : Set.copyOf(extraStopTokens);
        budgetEndingIds = budgetEndingIds == null ? null : List.copyOf(budgetEndingIds);
        if (maxTokens < 0) throw new IllegalArgumentException("max_tokens must be >= 0");
    }

    /** Settings that sample so and stop at {@code maxTokens} or the model's end-of-turn ids, with nothing else set. */
    public static GenerationSettings of(Sampling sampling, int maxTokens) {
        return new GenerationSettings(sampling, maxTokens, List.of(), Set.of(), false, null, null, -1, null);
    }

    /** The sampling seed. */
    public long seed() {
        return sampling.seed();
    }

    public GenerationSettings withSeed(long seed) {
        return new GenerationSettings(sampling.withSeed(seed), maxTokens, stopStrings, extraStopTokens, ignoreEos, budget, budgetEndingIds,
                topLogprobs, timeout);
    }

    public GenerationSettings withMaxTokens(int n) {
        return new GenerationSettings(sampling, n, stopStrings, extraStopTokens, ignoreEos, budget, budgetEndingIds, topLogprobs, timeout);
    }

    public GenerationSettings withIgnoreEos(boolean ignore) {
        return new GenerationSettings(sampling, maxTokens, stopStrings, extraStopTokens, ignore, budget, budgetEndingIds, topLogprobs, timeout);
    }

    /** The reasoning budget's forced ending ids (null: the default ending). */
    public GenerationSettings withBudgetEndingIds(List<Integer> ids) {
        return new GenerationSettings(sampling, maxTokens, stopStrings, extraStopTokens, ignoreEos, budget, ids, topLogprobs, timeout);
    }

    public GenerationSettings withTimeout(Duration t) {
        return new GenerationSettings(sampling, maxTokens, stopStrings, extraStopTokens, ignoreEos, budget, budgetEndingIds, topLogprobs, t);
    }

    public GenerationSettings withBudget(ThinkingBudget b) {
        return new GenerationSettings(sampling, maxTokens, stopStrings, extraStopTokens, ignoreEos, b, budgetEndingIds, topLogprobs, timeout);
    }

    public GenerationSettings withStopStrings(List<String> s) {
        return new GenerationSettings(sampling, maxTokens, s, extraStopTokens, ignoreEos, budget, budgetEndingIds, topLogprobs, timeout);
    }

    public GenerationSettings withTopLogprobs(int n) {
        return new GenerationSettings(sampling, maxTokens, stopStrings, extraStopTokens, ignoreEos, budget, budgetEndingIds, n, timeout);
    }
}
