package dev.nemotron4j.runtime;

import dev.nemotron4j.chat.output.ParsedOutput;
import dev.nemotron4j.engine.generation.FinishReason;
import dev.nemotron4j.engine.generation.GenerationStats;

/**
 * A finished generation.
 *
 * @param finishReason    OpenAI's value: {@code stop}, {@code length} or {@code tool_calls}
 * @param rawText         the generated text as the model wrote it (stop token excluded, stop string cut)
 * @param reasoningTokens tokens generated inside the reasoning block
 */
public record TextResult(FinishReason engineReason, String finishReason, int promptTokens, int completionTokens,
                         int reasoningTokens, String rawText, ParsedOutput parsed, GenerationStats stats) {

    /** Whether the job was cancelled before it ended ({@link TextGeneration#cancel}). */
    public boolean cancelled() {
        return engineReason == FinishReason.CANCELLED;
    }

    /** Whether the job's timeout ({@link GenerationSettings#timeout}) ended it. */
    public boolean timedOut() {
        return engineReason == FinishReason.TIMEOUT;
    }

    /** Prompt tokens resumed from a saved state instead of computed (OpenAI's {@code cached_tokens}). */
    public int cachedTokens() {
        return stats.cachedTokens();
    }
}
