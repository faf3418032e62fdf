package dev.nemotron4j.tokenizer.pretokenizer;

import java.util.List;
import java.util.Objects;

/** Splits on punctuation characters (ASCII punctuation or Unicode category P). */
public record Punctuation(SplitDelimiterBehavior behavior) implements PreTokenizer {

    private static final SplitPattern PUNCTUATION = new SplitPattern.CharClass(Punctuation::isPunctuation);

    public Punctuation {
        Objects.requireNonNull(behavior, "behavior");
    }

    @Override
    public void split(TextPiece piece, List<TextPiece> out) {
        behavior.split(piece, PUNCTUATION, false, out);
    }

    static boolean isPunctuation(int cp) {
        if (cp < 0x80) {
            return (cp >= '!' && cp <= '/') || (cp >= ':' && cp <= '@') || (cp >= '[' && cp <= '`')
                    || (cp >= '{' && cp <= '~');
        }
        return switch (Character.getType(cp)) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                 Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                 Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }
}
