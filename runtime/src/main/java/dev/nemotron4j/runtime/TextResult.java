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

    /** Prompt tokens resumed from a saved state instead of computed (OpenAI's {@code cached_tokens}). */
    public int cachedTokens() {
        return stats.cachedTokens();
    }
}
