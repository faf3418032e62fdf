package dev.nemotron4j.tokenizer.decoder;

import java.util.List;

/** Joins all tokens into one string (so later decoders see the text as a whole). */
public record FuseDecoder() implements Decoder {

    @Override
    public List<String> decodeChain(List<String> tokens) {
        return List.of(String.join("", tokens));
    }
}
