package dev.nemotron4j.tokenizer.postprocessor;

import dev.nemotron4j.tokenizer.model.IdBuffer;

import java.util.List;
import java.util.Objects;

/**
 * Builds the output from a template such as {@code <s> $A} (single) or {@code <s> $A <s> $B} (pair): each
 * element is either a sequence or the ids of a named special token.
 */
public record TemplateProcessing(List<Piece> single, List<Piece> pair) implements PostProcessor {

    /** One element of a template. */
    public sealed interface Piece {
    }

    /** The encoded sequence A (first) or B (second). */
    public record SequencePiece(boolean second) implements Piece {
    }

    /** The ids of a special token, as listed in the template's {@code special_tokens}. */
    public record SpecialPiece(String name, int[] ids) implements Piece {
        public SpecialPiece {
            Objects.requireNonNull(name, "name");
            ids = ids.clone();
        }
    }

    public TemplateProcessing {
        single = List.copyOf(single);
        pair = List.copyOf(pair);
    }

    @Override
    public int[] process(int[] a, int[] b) {
        IdBuffer out = new IdBuffer(a.length + (b == null ? 0 : b.length) + 4);
        for (Piece piece : b == null ? single : pair) {
            switch (piece) {
                case SequencePiece s -> out.addAll(s.second() ? (b == null ? new int[0] : b) : a);
                case SpecialPiece s -> out.addAll(s.ids());
            }
        }
        return out.toArray();
    }
}
