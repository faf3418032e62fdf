package dev.nemotron4j.runtime;

import dev.nemotron4j.tokenizer.Tokenizer;

import java.nio.charset.StandardCharsets;

/**
 * The UTF-8 bytes each token id adds to the output (special tokens as their text), for checking candidate tokens
 * against a grammar. A token that is only part of a multi-byte character decodes to no complete text; it stands
 * for one byte 0x80, which no tag or name of a grammar here contains (so it is text, allowed only where free text
 * is). Ids past the tokenizer's vocabulary have no bytes.
 */
final class TokenTexts {
    private static final byte[] PARTIAL = {(byte) 0x80};
    private static final byte[] NONE = {};

    private final byte[][] bytes;
    private final boolean[] special;
    private final boolean[] hasTagStart;    // contains '<'
    private final boolean[] hasStringBreak; // contains '"', '\\' or a control character

    TokenTexts(Tokenizer tokenizer, int vocab) {
        bytes = new byte[vocab][];
        special = new boolean[vocab];
        hasTagStart = new boolean[vocab];
        hasStringBreak = new boolean[vocab];
        int[] one = new int[1];
        for (int id = 0; id < vocab; id++) {
            if (id >= tokenizer.vocabSize() || tokenizer.idToToken(id) == null) {
                bytes[id] = NONE;
                continue;
            }
            one[0] = id;
            String text = tokenizer.decode(one, false);
            bytes[id] = text.indexOf('\uFFFD') >= 0 ? PARTIAL : text.getBytes(StandardCharsets.UTF_8);
            special[id] = tokenizer.isSpecial(id);
            for (byte b : bytes[id]) {
                hasTagStart[id] |= b == '<';
                hasStringBreak[id] |= b == '"' || b == '\\' || (b >= 0 && b < 0x20);
            }
        }
    }

    /** The bytes of {@code id} (empty when it adds no text). */
    byte[] bytes(int id) {
        return bytes[id];
    }

    /** Whether {@code id} is a special (control) token. */
    boolean special(int id) {
        return special[id];
    }

    /** Whether {@code id}'s text contains {@code <} (where every tag of the tool-call format starts). */
    boolean hasTagStart(int id) {
        return hasTagStart[id];
    }

    /** Whether {@code id}'s text contains what could end a JSON string ({@code "}, {@code \\}, a control character). */
    boolean hasStringBreak(int id) {
        return hasStringBreak[id];
    }

    int size() {
        return bytes.length;
    }
}
