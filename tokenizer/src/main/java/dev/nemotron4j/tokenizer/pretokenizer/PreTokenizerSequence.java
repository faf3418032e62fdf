package dev.nemotron4j.tokenizer.pretokenizer;

import java.util.ArrayList;
import java.util.List;

/** Applies pre-tokenizers one after the other, each to all pieces the previous one produced. */
public record PreTokenizerSequence(List<PreTokenizer> preTokenizers) implements PreTokenizer {

    public PreTokenizerSequence {
        preTokenizers = List.copyOf(preTokenizers);
    }

    @Override
    public void split(TextPiece piece, List<TextPiece> out) {
        List<TextPiece> pieces = new ArrayList<>(List.of(piece));
        for (PreTokenizer p : preTokenizers) {
            pieces = p.splitAll(pieces);
        }
        out.addAll(pieces);
    }
}
