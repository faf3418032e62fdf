package dev.nemotron4j.tokenizer.normalizer;

import dev.nemotron4j.tokenizer.text.UnicodeWhitespace;

/** Removes leading and/or trailing Unicode whitespace. */
public record Strip(boolean left, boolean right) implements Normalizer {

    @Override
    public String normalize(String text) {
        int start = left ? UnicodeWhitespace.leadingEnd(text) : 0;
        int end = right ? Math.max(start, UnicodeWhitespace.trailingStart(text)) : text.length();
        return text.substring(start, end);
    }
}
