package dev.nemotron4j.tokenizer.decoder;

import java.util.List;

/**
 * A {@code tokenizer.json} decoder: turns token strings back into text. Decoders are chained: each receives the
 * strings the previous one produced; the final strings are concatenated.
 */
public sealed interface Decoder
        permits ByteLevelDecoder, MetaspaceDecoder, ByteFallbackDecoder, FuseDecoder, StripDecoder, ReplaceDecoder,
        BpeSuffixDecoder, WordPieceDecoder, DecoderSequence {

    /** Rewrites the token strings. */
    List<String> decodeChain(List<String> tokens);

    /** The decoded text of {@code tokens}. */
    default String decode(List<String> tokens) {
        return String.join("", decodeChain(tokens));
    }
}
