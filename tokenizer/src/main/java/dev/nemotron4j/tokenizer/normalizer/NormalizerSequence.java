package dev.nemotron4j.tokenizer.normalizer;

import java.util.List;

/** Applies normalizers one after the other. */
public record NormalizerSequence(List<Normalizer> normalizers) implements Normalizer {

    public NormalizerSequence {
        normalizers = List.copyOf(normalizers);
    }

    @Override
    public String normalize(String text) {
        String s = text;
        for (Normalizer n : normalizers) {
            s = n.normalize(s);
        }
        return s;
    }
}
