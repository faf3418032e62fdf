package dev.nemotron4j.tokenizer.normalizer;

import java.util.Objects;

/** Prepends fixed text to every non-empty piece. */
public record Prepend(String prefix) implements Normalizer {

    public Prepend {
        Objects.requireNonNull(prefix, "prefix");
    }

    @Override
    public String normalize(String text) {
        return text.isEmpty() ? text : prefix + text;
    }
}
