package dev.nemotron4j.runtime;

import dev.nemotron4j.chat.output.OutputParserOptions;

/**
 * A prompt ready to run: its ids, how to read the output ({@code null} parse options = raw text, as for
 * {@code /v1/completions}) and how to generate.
 */
public record TextJob(int[] promptIds, OutputParserOptions parse, GenerationSettings settings) {
    public TextJob {
        if (promptIds == null || promptIds.length == 0) throw new IllegalArgumentException("the prompt is empty");
    }
}
