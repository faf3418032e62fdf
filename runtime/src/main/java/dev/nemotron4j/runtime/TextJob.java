package dev.nemotron4j.runtime;

import dev.nemotron4j.chat.output.OutputParserOptions;
import dev.nemotron4j.chat.output.OutputGrammar;

/**
 * A prompt ready to run: its ids, how to read the output ({@code null} parse options = raw text, as for
 * {@code /v1/completions}), how to generate, and optionally a grammar the output must follow ({@code tool_choice}
 * required or named, {@code response_format} json_object: decoding is constrained to it).
 */
public record TextJob(int[] promptIds, OutputParserOptions parse, GenerationSettings settings, OutputGrammar grammar) {
    public TextJob {
        if (promptIds == null || promptIds.length == 0) throw new IllegalArgumentException("the prompt is empty");
    }

    /** A job with unconstrained output. */
    public TextJob(int[] promptIds, OutputParserOptions parse, GenerationSettings settings) {
        this(promptIds, parse, settings, null);
    }
}
