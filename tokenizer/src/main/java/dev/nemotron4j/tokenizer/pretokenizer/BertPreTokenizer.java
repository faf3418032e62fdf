package dev.nemotron4j.tokenizer.pretokenizer;

import java.util.ArrayList;
import java.util.List;

/** BERT's pre-tokenizer: split on whitespace (dropped), then isolate every punctuation character. */
public record BertPreTokenizer() implements PreTokenizer {

    @Override
    public void split(TextPiece piece, List<TextPiece> out) {
        List<TextPiece> words = new ArrayList<>();
        new WhitespaceSplit().split(piece, words);
        Punctuation punctuation = new Punctuation(SplitDelimiterBehavior.ISOLATED);
        for (TextPiece w : words) {
            punctuation.split(w, out);
        }
    }
}
