package dev.nemotron4j.tokenizer.normalizer;

/** Removes combining marks (meant to follow an NFD/NFKD normalizer). */
public record StripAccents() implements Normalizer {

    @Override
    public String normalize(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().filter(cp -> !isMark(cp)).forEach(out::appendCodePoint);
        return out.toString();
    }

    static boolean isMark(int cp) {
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK;
    }
}
