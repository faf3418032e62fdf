package dev.nemotron4j.tokenizer.text;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The GPT-2 byte-to-unicode table used by byte-level BPE: every byte gets a printable character, so a token
 * vocabulary can be stored as ordinary strings. Printable Latin-1 bytes map to themselves; the other 68 bytes
 * map to U+0100 upwards in byte order (so a space is {@code Ġ}, a newline {@code Ċ}).
 */
public final class ByteLevelAlphabet {

    private static final char[] BYTE_TO_CHAR = new char[256];
    /** Inverse table indexed by character; -1 where the character is not part of the alphabet. */
    private static final int[] CHAR_TO_BYTE = new int[324];

    static {
        Arrays.fill(CHAR_TO_BYTE, -1);
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) next++;
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteLevelAlphabet() {
    }

    /** The alphabet character standing for {@code b} (0-255). */
    public static char charOf(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** The byte a character stands for, or -1 if the character is not in the alphabet. */
    public static int byteOf(int c) {
        return c >= 0 && c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }

    /** Encodes {@code text} as UTF-8 and spells every byte with its alphabet character. */
    public static String encode(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        char[] out = new char[utf8.length];
        for (int i = 0; i < utf8.length; i++) {
            out[i] = BYTE_TO_CHAR[utf8[i] & 0xFF];
        }
        return new String(out);
    }
}
