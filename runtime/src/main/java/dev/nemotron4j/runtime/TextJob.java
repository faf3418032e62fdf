package dev.nemotron4j.runtime;

import dev.nemotron4j.chat.output.OutputParserOptions;
import dev.nemotron4j.chat.output.OutputGrammar;

/**
 * A prompt ready to run: its ids, how to read the output ({@code null} parse options = raw text, as for
 * {@code /v1/completions}), how to generate, optionally a grammar the output must follow ({@code tool_choice}
 * required or named, {@code response_format} json_object: decoding is constrained to it), and how many leading prompt
 * tokens the next turn of the conversation will likely share (the state cache saves the state there; 0 = no hint).
 */
public record TextJob(int[] promptIds, OutputParserOptions parse, GenerationSettings settings, OutputGrammar grammar,
                      int sharedPrefix) {
    public TextJob {
        if (promptIds == null || promptIds.length == 0) throw new IllegalArgumentException("the prompt is empty");
        if (sharedPrefix < 0 || sharedPrefix > promptIds.length) throw new IllegalArgumentException("sharedPrefix outside the prompt");
    }

    /** A job with no shared-prefix hint. */
    public TextJob(int[] promptIds, OutputParserOptions parse, GenerationSettings settings, OutputGrammar grammar) {
        this(promptIds, parse, settings, grammar, 0);
    }

    /** A job with unconstrained output. */
    public TextJob(int[] promptIds, OutputParserOptions parse, GenerationSettings settings) {
        this(promptIds, parse, settings, null);
    }

    /** The same prompt with other settings and grammar. */
    public TextJob with(GenerationSettings newSettings, OutputGrammar newGrammar) {
        return new TextJob(promptIds, parse, newSettings, newGrammar, sharedPrefix);
    }
}
