package dev.nemotron4j.tokenizer.decoder;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns the Metaspace replacement character back into spaces. When the pre-tokenizer prepends it
 * ({@code prependScheme} not "never"), the replacement characters of the first token are dropped instead.
 */
public record MetaspaceDecoder(int replacement, boolean dropInFirstToken) implements Decoder {

    @Override
    public List<String> decodeChain(List<String> tokens) {
        List<String> out = new ArrayList<>(tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            StringBuilder s = new StringBuilder(token.length());
            boolean drop = i == 0 && dropInFirstToken;
            token.codePoints().forEach(cp -> {
                if (cp != replacement) {
                    s.appendCodePoint(cp);
                } else if (!drop) {
                    s.append(' ');
                }
            });
            out.add(s.toString());
        }
        return out;
    }
}
