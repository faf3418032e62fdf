package dev.nemotron4j.tokenizer.normalizer;

/**
 * A {@code tokenizer.json} normalizer: rewrites a piece of input text before pre-tokenization.
 * It is applied to each stretch of text between added tokens, not to the whole input at once.
 */
public sealed interface Normalizer
        permits UnicodeNormalization, Lowercase, Replace, Prepend, Strip, StripAccents, BertNormalizer,
        NormalizerSequence {

    /** The normalized form of {@code text}. */
    String normalize(String text);
}
