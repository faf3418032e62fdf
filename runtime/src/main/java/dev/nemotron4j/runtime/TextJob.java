package dev.nemotron4j.runtime;

import dev.nemotron4j.chat.output.OutputParserOptions;
import dev.nemotron4j.chat.output.ToolCallGrammar;

/**
 * A prompt ready to run: its ids, how to read the output ({@code null} parse options = raw text, as for
 * {@code /v1/completions}), how to generate, and optionally the tool calls the answer must consist of
 * ({@code tool_choice} required or named: decoding is constrained to {@code toolCalls}).
 */
public record TextJob(int[] promptIds, OutputParserOptions parse, GenerationSettings settings, ToolCallGrammar toolCalls) {
    public TextJob {
        if (promptIds == null || promptIds.length == 0) throw new IllegalArgumentException("the prompt is empty");
    }

    /** A job with unconstrained output. */
    public TextJob(int[] promptIds, OutputParserOptions parse, GenerationSettings settings) {
        this(promptIds, parse, settings, null);
    }
}
