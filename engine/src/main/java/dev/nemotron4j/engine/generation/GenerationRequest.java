package dev.nemotron4j.engine.generation;

import dev.nemotron4j.engine.sampling.SamplingParams;

import java.util.Set;

/**
 * One sequence to generate: prompt ids, how to sample, when to stop, and who hears about each token.
 *
 * @param maxTokens      generated-token limit (finish reason {@code LENGTH})
 * @param stopTokens     ids that end generation (finish reason {@code STOP}); the stop token is reported
 * @param topLogprobs    -1: no log-probabilities; 0: the chosen token's; n: also the n most likely
 * @param deadlineNanos  {@link System#nanoTime()} deadline, or 0 for none (finish reason {@code TIMEOUT})
 * @param sharedPrefix   how many leading prompt tokens later prompts are likely to share (a chat's conversation
 *                       before the new assistant turn): with a state cache, the state is saved there too; 0 = no hint
 */
public record GenerationRequest(int[] prompt, SamplingParams sampling, int maxTokens, Set<Integer> stopTokens,
                                int topLogprobs, long deadlineNanos, GenerationListener listener, int sharedPrefix) {
    public GenerationRequest {
        if (prompt == null || prompt.length == 0) throw new IllegalArgumentException("prompt must not be empty");
        if (maxTokens < 0) throw new IllegalArgumentException("maxTokens must be >= 0");
        stopTokens = stopTokens == null ? Set.of() : Set.copyOf(stopTokens);
        if (listener == null) throw new IllegalArgumentException("listener is required");
        if (sharedPrefix < 0 || sharedPrefix > prompt.length) {
            throw new IllegalArgumentException("sharedPrefix " + sharedPrefix + " outside [0, " + prompt.length + "]");
        }
    }

    /** A request without a shared-prefix hint. */
    public GenerationRequest(int[] prompt, SamplingParams sampling, int maxTokens, Set<Integer> stopTokens,
                             int topLogprobs, long deadlineNanos, GenerationListener listener) {
        this(prompt, sampling, maxTokens, stopTokens, topLogprobs, deadlineNanos, listener, 0);
    }
}
