package dev.nemotron4j.tokenizer.pretokenizer;

import java.util.List;

/** Splits out numeric characters (Nd, Nl, No): each one alone, or runs of them together. */
public record Digits(boolean individualDigits) implements PreTokenizer {

    private static final SplitPattern NUMERIC = new SplitPattern.CharClass(Digits::isNumeric);

    @Override
    public void split(TextPiece piece, List<TextPiece> out) {
        var behavior = individualDigits ? SplitDelimiterBehavior.ISOLATED : SplitDelimiterBehavior.CONTIGUOUS;
        behavior.split(piece, NUMERIC, false, out);
    }

    static boolean isNumeric(int cp) {
        int type = Character.getType(cp);
        return type == Character.DECIMAL_DIGIT_NUMBER || type == Character.LETTER_NUMBER
                || type == Character.OTHER_NUMBER;
    }
}
