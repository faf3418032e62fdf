package dev.nemotron4j.tokenizer.normalizer;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Replaces every match of a pattern (a literal string or a regex) with fixed content. */
public record Replace(Pattern pattern, String content) implements Normalizer {

    public Replace {
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(content, "content");
    }

    @Override
    public String normalize(String text) {
        return pattern.matcher(text).replaceAll(Matcher.quoteReplacement(content));
    }
}
