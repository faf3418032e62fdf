package dev.nemotron4j.tokenizer.decoder;

import java.util.ArrayList;
import java.util.List;

/**
 * WordPiece: tokens after the first get a leading space unless they carry the continuation prefix (which is
 * removed); optionally cleans up spaces before punctuation and in English contractions.
 */
public record WordPieceDecoder(String prefix, boolean cleanup) implements Decoder {

    @Override
    public List<String> decodeChain(List<String> tokens) {
        List<String> out = new ArrayList<>(tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            if (i != 0) {
                token = token.startsWith(prefix) ? token.substring(prefix.length()) : " " + token;
            }
            if (cleanup) {
                token = token.replace(" .", ".").replace(" ?", "?").replace(" !", "!").replace(" ,", ",")
                        .replace(" ' ", "'").replace(" n't", "n't").replace(" 'm", "'m").replace(" do not", " don't")
                        .replace(" 's", "'s").replace(" 've", "'ve").replace(" 're", "'re");
            }
            out.add(token);
        }
        return out;
    }
}
