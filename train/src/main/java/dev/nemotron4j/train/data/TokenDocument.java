package dev.nemotron4j.train.data;

import java.util.Objects;

/**
 * A tokenized document: its tokens and which of them are learned. {@code targets[i]} says whether predicting
 * {@code tokens[i]} (from position i−1) counts in the loss; {@code targets[0]} is never used, since nothing in the
 * document precedes its first token.
 */
public record TokenDocument(int[] tokens, boolean[] targets) {

    public TokenDocument {
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(targets, "targets");
        if (tokens.length != targets.length) {
            throw new IllegalArgumentException(tokens.length + " tokens but " + targets.length + " target flags");
        }
    }

    public int length() {
        return tokens.length;
    }

    /** Number of tokens whose prediction counts (position 0 excluded). */
    public int targetCount() {
        int n = 0;
        for (int i = 1; i < targets.length; i++) if (targets[i]) n++;
        return n;
    }
}
