package dev.nemotron4j.tokenizer.pretokenizer;

import java.util.Objects;

/**
 * One piece of input text on its way to the model.
 *
 * @param text the piece's current (normalized, possibly rewritten) text
 * @param atInputStart whether the piece begins at offset 0 of the original input; Metaspace's
 *                     {@code prepend_scheme: "first"} only adds its prefix to such a piece
 */
public record TextPiece(String text, boolean atInputStart) {

    public TextPiece {
        Objects.requireNonNull(text, "text");
    }

    /** The sub-piece {@code [start, end)}; only a sub-piece starting at 0 keeps {@link #atInputStart}. */
    public TextPiece slice(int start, int end) {
        return new TextPiece(text.substring(start, end), atInputStart && start == 0);
    }
}
