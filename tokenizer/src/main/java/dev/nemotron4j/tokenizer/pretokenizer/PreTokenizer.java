package dev.nemotron4j.tokenizer.pretokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@code tokenizer.json} pre-tokenizer: cuts a piece of normalized text into the "words" the model encodes
 * independently, possibly rewriting them (ByteLevel, Metaspace). Empty pieces are dropped.
 */
public sealed interface PreTokenizer
        permits Split, ByteLevel, Metaspace, Digits, WhitespaceSplit, Whitespace, Punctuation, CharDelimiterSplit,
        BertPreTokenizer, PreTokenizerSequence {

    /** Appends the non-empty pieces {@code piece} splits into to {@code out}, in order. */
    void split(TextPiece piece, List<TextPiece> out);

    /** Applies this pre-tokenizer to every piece of {@code pieces}. */
    default List<TextPiece> splitAll(List<TextPiece> pieces) {
        List<TextPiece> out = new ArrayList<>(pieces.size() * 2);
        for (TextPiece p : pieces) {
            split(p, out);
        }
        return out;
    }
}
