package dev.nemotron4j.tokenizer.normalizer;

import java.util.Locale;

/**
 * Unicode lowercasing character by character, as the Rust library does: there is no word-final sigma rule
 * (so {@code Σ} always becomes {@code σ}), unlike {@link String#toLowerCase}.
 */
public record Lowercase() implements Normalizer {

    @Override
    public String normalize(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (cp < 0x80) {
                out.append((char) (cp >= 'A' && cp <= 'Z' ? cp + 32 : cp));
            } else if (cp == 0x03A3) {
                out.append('\u03C3');
            } else {
                // String.toLowerCase knows the one-to-many mappings (e.g. U+0130) that Character.toLowerCase lacks.
                out.append(Character.toString(cp).toLowerCase(Locale.ROOT));
            }
        }
        return out.toString();
    }
}
