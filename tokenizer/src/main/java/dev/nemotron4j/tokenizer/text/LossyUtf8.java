package dev.nemotron4j.tokenizer.text;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** UTF-8 decoding in the two flavours the decoders need: lossy (U+FFFD per bad sequence) and strict. */
public final class LossyUtf8 {

    private LossyUtf8() {
    }

    /**
     * Decodes UTF-8, replacing every maximal invalid subsequence with U+FFFD (the behaviour of Rust's
     * {@code String::from_utf8_lossy}; the JDK decoder follows the same Unicode recommendation).
     */
    public static String decode(byte[] bytes, int length) {
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }

    /** Decodes strictly; returns null when the bytes are not valid UTF-8. */
    public static String decodeStrict(byte[] bytes, int length) {
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, length));
            return chars.toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
