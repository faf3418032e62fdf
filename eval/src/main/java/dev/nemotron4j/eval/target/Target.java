package dev.nemotron4j.eval.target;

import java.util.Optional;

/**
 * Something that answers generation requests: the in-process engine or an OpenAI-compatible endpoint.
 * Implementations must be safe to call from several threads at once (the runner's parallelism).
 */
public interface Target extends AutoCloseable {

    /**
     * Runs one request. Generation requests return text/tool calls; requests with a
     * {@link GenerationRequest#continuation()} return {@link GenerationResult#continuationLogprob()}.
     *
     * @throws TargetException when the call fails (retryable or not)
     */
    GenerationResult generate(GenerationRequest request);

    /** Who this target is (lockfile, cache keys). */
    TargetIdentity identity();

    /** Whether {@link GenerationRequest#continuation()} requests are supported. */
    default boolean supportsLoglikelihood() { return false; }

    /** The model's tokenizer as a counter, when the target has one locally. */
    default Optional<TokenCounter> tokenCounter() { return Optional.empty(); }

    /**
     * The counter of whole prompts as this target's model reads them (chat template and special tokens included), when
     * the target can render and tokenize them; empty otherwise (then only {@link #tokenCounter()} sizes contexts).
     */
    default Optional<PromptCounter> promptCounter() { return Optional.empty(); }

    @Override
    default void close() {}
}
