package dev.nemotron4j.tokenizer.decoder;

import java.util.ArrayList;
import java.util.List;

/** The "BPEDecoder": an end-of-word suffix (e.g. {@code </w>}) becomes a space, except after the last token. */
public record BpeSuffixDecoder(String suffix) implements Decoder {

    @Override
    public List<String> decodeChain(List<String> tokens) {
        List<String> out = new ArrayList<>(tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
            out.add(tokens.get(i).replace(suffix, i == tokens.size() - 1 ? "" : " "));
        }
        return out;
    }
}
