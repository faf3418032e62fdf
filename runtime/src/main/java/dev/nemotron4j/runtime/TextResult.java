package dev.nemotron4j.runtime;

import dev.nemotron4j.chat.output.ParsedOutput;

/**
 * A finished generation.
 *
 * @param ending          what ended it
 * @param finishReason    OpenAI's value: {@code stop}, {@code length} or {@code tool_calls}
 * @param cachedTokens    prompt tokens resumed from a saved state instead of computed (OpenAI's {@code cached_tokens})
 * @param completionTokens tokens generated (the end-of-turn token included, those past a stop string not)
 * @param reasoningTokens tokens generated inside the reasoning block
 * @param rawText         the generated text as the model wrote it (stop token excluded, stop string cut)
 * @param timing          when it was admitted, gave its first token and ended
 */
public record TextResult(Ending ending, String finishReason, int promptTokens, int cachedTokens, int completionTokens,
                         int reasoningTokens, String rawText, ParsedOutput parsed, Timing timing) {

    /** What ended a generation. */
    public enum Ending {
        /** The model ended its turn (an end-of-turn or extra stop token). */
        END_OF_TURN,
        /** The token limit or the context limit was reached. */
        LENGTH,
        /** The output ended it: a stop string completed (or the text work asked to stop). */
        STOPPED,
        /** {@link TextGeneration#cancel} stopped it. */
        CANCELLED,
        /** The settings' timeout ({@link GenerationSettings#timeout}) passed. */
        TIMEOUT
    }

    /**
     * Nanoseconds from submission to each point.
     *
     * @param queuedNanos     until a batch slot took the job
     * @param firstTokenNanos until the first generated token
     * @param totalNanos      until the end
     */
    public record Timing(long queuedNanos, long firstTokenNanos, long totalNanos) {
    }

    /** Whether the job was cancelled before it ended ({@link TextGeneration#cancel}). */
    public boolean cancelled() {
        return ending == Ending.CANCELLED;
    }

    /** Whether the job's timeout ({@link GenerationSettings#timeout}) ended it. */
    public boolean timedOut() {
        return ending == Ending.TIMEOUT;
    }

    /** Generated tokens per second after the first one (0 when there is no second token). */
    public double decodeTokensPerSecond() {
        long decode = timing.totalNanos() - timing.firstTokenNanos();
        return completionTokens <= 1 || decode <= 0 ? 0 : (completionTokens - 1) * 1e9 / decode;
    }
}
