package dev.nemotron4j.tokenizer.decoder;

import dev.nemotron4j.tokenizer.text.LossyUtf8;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns runs of byte tokens {@code <0xNN>} into text. A run that is not valid UTF-8 becomes one U+FFFD per byte,
 * as in the Rust library.
 */
public record ByteFallbackDecoder() implements Decoder {

    @Override
    public List<String> decodeChain(List<String> tokens) {
        List<String> out = new ArrayList<>(tokens.size());
        byte[] run = new byte[16];
        int n = 0;
        for (String token : tokens) {
            int b = byteValue(token);
            if (b >= 0) {
                if (n == run.length) {
                    run = java.util.Arrays.copyOf(run, n * 2);
                }
                run[n++] = (byte) b;
                continue;
            }
            flush(run, n, out);
            n = 0;
            out.add(token);
        }
        flush(run, n, out);
        return out;
    }

    private static void flush(byte[] run, int n, List<String> out) {
        if (n == 0) {
            return;
        }
        String text = LossyUtf8.decodeStrict(run, n);
        if (text != null) {
            out.add(text);
        } else {
            for (int i = 0; i < n; i++) {
                out.add("\uFFFD");
            }
        }
    }

    /** The byte of a {@code <0xNN>} token, or -1 for any other token. */
    static int byteValue(String token) {
        if (token.length() != 6 || !token.startsWith("<0x") || token.charAt(5) != '>') {
            return -1;
        }
        int hi = Character.digit(token.charAt(3), 16);
        int lo = Character.digit(token.charAt(4), 16);
        return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
    }
}
