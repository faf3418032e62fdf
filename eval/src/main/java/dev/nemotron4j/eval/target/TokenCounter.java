package dev.nemotron4j.eval.target;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts tokens in a text, used to size long-context (RULER) prompts. Plug in the model's tokenizer
 * for exact lengths; {@link #approximate()} is a tokenizer-free stand-in.
 */
@FunctionalInterface
public interface TokenCounter {

    int count(String text);

    /**
     * Whether counting is cheap (in this process). A remote counter (an endpoint's {@code /tokenize}) is asked
     * for whole prompts only, not for every sentence of a long context.
     */
    default boolean local() { return true; }

    /** A short name recorded in the lockfile so lengths are reproducible. */
    default String name() { return getClass().getName(); }

    /**
     * Word pieces: runs of letters/digits (long runs count one token per 6 characters) plus each
     * punctuation mark. Typically within ~20% of BPE counts for English prose.
     */
    static TokenCounter approximate() {
        Pattern piece = Pattern.compile("[\\p{L}\\p{N}]+|[^\\p{L}\\p{N}\\s]");
        return new TokenCounter() {
            @Override
            public int count(String text) {
                int tokens = 0;
                Matcher m = piece.matcher(text);
                while (m.find()) tokens += Math.max(1, (m.end() - m.start() + 5) / 6);
                return tokens;
            }

            @Override
            public String name() { return "approximate-wordpiece-v1"; }
        };
    }
}
