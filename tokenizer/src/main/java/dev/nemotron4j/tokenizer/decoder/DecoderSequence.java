package dev.nemotron4j.tokenizer.decoder;

import java.util.List;

/** Applies decoders one after the other. */
public record DecoderSequence(List<Decoder> decoders) implements Decoder {

    public DecoderSequence {
        decoders = List.copyOf(decoders);
    }

    @Override
    public List<String> decodeChain(List<String> tokens) {
        List<String> current = tokens;
        for (Decoder d : decoders) {
            current = d.decodeChain(current);
        }
        return current;
    }
}
