package dev.nemotron4j.tokenizer.pretokenizer;

import java.util.List;
import java.util.Objects;

/** Splits on a regex or literal pattern with a configurable delimiter behavior; {@code invert} swaps match/gap. */
public record Split(SplitPattern pattern, SplitDelimiterBehavior behavior, boolean invert) implements PreTokenizer {

    public Split {
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(behavior, "behavior");
    }

    @Override
    public void split(TextPiece piece, List<TextPiece> out) {
        behavior.split(piece, pattern, invert, out);
    }
}
