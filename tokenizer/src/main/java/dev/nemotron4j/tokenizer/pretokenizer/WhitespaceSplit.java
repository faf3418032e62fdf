package dev.nemotron4j.tokenizer.pretokenizer;

import dev.nemotron4j.tokenizer.text.UnicodeWhitespace;

import java.util.List;

/** Splits on Unicode whitespace, dropping it. */
public record WhitespaceSplit() implements PreTokenizer {

    private static final SplitPattern WHITESPACE = new SplitPattern.CharClass(UnicodeWhitespace::is);

    @Override
    public void split(TextPiece piece, List<TextPiece> out) {
        SplitDelimiterBehavior.REMOVED.split(piece, WHITESPACE, false, out);
    }
}
