package dev.nemotron4j.tokenizer.normalizer;

import dev.nemotron4j.tokenizer.text.UnicodeWhitespace;

/**
 * BERT's normalizer: optional control-character cleanup, spaces around CJK ideographs, accent stripping and
 * lowercasing. {@code stripAccents} defaults to {@code lowercase} when absent from the JSON.
 */
public record BertNormalizer(boolean cleanText, boolean handleChineseChars, boolean stripAccents, boolean lowercase)
        implements Normalizer {

    @Override
    public String normalize(String text) {
        String s = text;
        if (cleanText) {
            StringBuilder out = new StringBuilder(s.length());
            s.codePoints().forEach(cp -> {
                if (cp == 0 || cp == 0xFFFD || isControl(cp)) {
                    return;
                }
                if (UnicodeWhitespace.is(cp)) {
                    out.append(' ');
                } else {
                    out.appendCodePoint(cp);
                }
            });
            s = out.toString();
        }
        if (handleChineseChars) {
            StringBuilder out = new StringBuilder(s.length());
            s.codePoints().forEach(cp -> {
                if (isChineseChar(cp)) {
                    out.append(' ').appendCodePoint(cp).append(' ');
                } else {
                    out.appendCodePoint(cp);
                }
            });
            s = out.toString();
        }
        if (stripAccents) {
            s = new StripAccents().normalize(java.text.Normalizer.normalize(s, java.text.Normalizer.Form.NFD));
        }
        if (lowercase) {
            s = new Lowercase().normalize(s);
        }
        return s;
    }

    private static boolean isControl(int cp) {
        if (cp == '\t' || cp == '\n' || cp == '\r') {
            return false;
        }
        int type = Character.getType(cp);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.PRIVATE_USE
                || type == Character.SURROGATE || type == Character.UNASSIGNED;
    }

    private static boolean isChineseChar(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F)
                || (cp >= 0x2B920 && cp <= 0x2CEAF) || (cp >= 0xF900 && cp <= 0xFAFF)
                || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }
}
