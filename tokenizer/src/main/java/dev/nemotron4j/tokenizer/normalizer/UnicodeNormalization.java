package dev.nemotron4j.tokenizer.normalizer;

import java.text.Normalizer.Form;
import java.util.Objects;

/** NFC, NFD, NFKC or NFKD. */
public record UnicodeNormalization(Form form) implements Normalizer {

    public UnicodeNormalization {
        Objects.requireNonNull(form, "form");
    }

    @Override
    public String normalize(String text) {
        return java.text.Normalizer.normalize(text, form);
    }
}
