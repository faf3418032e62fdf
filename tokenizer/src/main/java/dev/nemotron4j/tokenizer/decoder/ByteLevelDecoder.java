package dev.nemotron4j.tokenizer.decoder;

import dev.nemotron4j.tokenizer.text.ByteLevelAlphabet;
import dev.nemotron4j.tokenizer.text.LossyUtf8;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Maps byte-level alphabet characters back to bytes and decodes the bytes of all tokens together as UTF-8
 * (invalid sequences become U+FFFD). A token with a character outside the alphabet (an added token such as
 * {@code <｜User｜>}) contributes its own UTF-8 bytes.
 */
public record ByteLevelDecoder() implements Decoder {

    @Override
    public List<String> decodeChain(List<String> tokens) {
        byte[] bytes = new byte[64];
        int n = 0;
        for (String token : tokens) {
            if (n + token.length() * 3 > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, n + token.length() * 3));
            }
            int start = n;
            boolean inAlphabet = true;
            for (int i = 0; i < token.length(); i++) {
                int b = ByteLevelAlphabet.byteOf(token.charAt(i));
                if (b < 0) {
                    inAlphabet = false;
                    break;
                }
                bytes[n++] = (byte) b;
            }
            if (!inAlphabet) {
                byte[] raw = token.getBytes(StandardCharsets.UTF_8);
                n = start;
                System.arraycopy(raw, 0, bytes, n, raw.length);
                n += raw.length;
            }
        }
        return List.of(LossyUtf8.decode(bytes, n));
    }
}
