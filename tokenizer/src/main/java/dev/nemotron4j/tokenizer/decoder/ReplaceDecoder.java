package dev.nemotron4j.tokenizer.decoder;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Replaces every match of a pattern in each token (e.g. {@code ▁} → space). */
public record ReplaceDecoder(Pattern pattern, String content) implements Decoder {

    public ReplaceDecoder {
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(content, "content");
    }

    @Override
    public List<String> decodeChain(List<String> tokens) {
        String replacement = Matcher.quoteReplacement(content);
        List<String> out = new ArrayList<>(tokens.size());
        for (String token : tokens) {
            out.add(pattern.matcher(token).replaceAll(replacement));
        }
        return out;
    }
}
