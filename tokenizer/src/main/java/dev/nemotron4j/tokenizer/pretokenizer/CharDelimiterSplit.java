package dev.nemotron4j.tokenizer.pretokenizer;

import java.util.List;

/** Splits on one delimiter character, dropping it. */
public record CharDelimiterSplit(int delimiter) implements PreTokenizer {

    @Override
    public void split(TextPiece piece, List<TextPiece> out) {
        SplitDelimiterBehavior.REMOVED.split(piece, new SplitPattern.CharClass(cp -> cp == delimiter), false, out);
    }
}
