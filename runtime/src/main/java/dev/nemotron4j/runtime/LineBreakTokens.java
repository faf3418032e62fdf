package dev.nemotron4j.runtime;

import dev.nemotron4j.tokenizer.Tokenizer;

/**
 * Which token ids decode to text holding a line break — what the reasoning budget waits for (PROTOCOL.md §5). Each id
 * is decoded once, the first time it is asked about, so a budgeted generation does not decode every token twice.
 * Shared by the requests of one model; concurrent first looks at the same id both decode it and store the same
 * answer.
 */
final class LineBreakTokens {
    private static final byte UNKNOWN = 0, NO = 1, YES = 2;

    private final Tokenizer tokenizer;
    private final byte[] known;

    LineBreakTokens(Tokenizer tokenizer, int vocabSize) {
        this.tokenizer = tokenizer;
        this.known = new byte[vocabSize];
    }

    /** Whether the text of {@code id} holds a {@code '\n'}. */
    boolean contains(int id) {
        if (id < 0 || id >= known.length) return decodesToLineBreak(id);
        byte k = known[id];
        if (k == UNKNOWN) {
            k = decodesToLineBreak(id) ? YES : NO;
            known[id] = k;
        }
        return k == YES;
    }

    private boolean decodesToLineBreak(int id) {
        return tokenizer.decode(new int[] {id}, false).indexOf('\n') >= 0;
    }
}
