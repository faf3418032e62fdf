package dev.nemotron4j.tokenizer.pretokenizer;

import dev.nemotron4j.tokenizer.text.OnigurumaPattern;

import java.util.List;

/** Keeps runs of word characters and runs of other non-space characters ({@code \w+|[^\w\s]+}). */
public record Whitespace() implements PreTokenizer {

    private static final SplitPattern WORDS = new SplitPattern.Regex(OnigurumaPattern.compile("\\w+|[^\\w\\s]+"));

    @Override
    public void split(TextPiece piece, List<TextPiece> out) {
        SplitDelimiterBehavior.REMOVED.split(piece, WORDS, true, out);
    }
}
