package dev.nemotron4j.chat.output;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Turns a stream of UTF-8 byte pieces (as token bytes arrive) into text pieces, holding back an incomplete
 * multi-byte character until its last byte arrives. Invalid bytes become U+FFFD, as Hugging Face decoders do.
 */
public final class Utf8StreamDecoder {

    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    private ByteBuffer carry = ByteBuffer.allocate(0);

    /** Decodes the next bytes; returns the text of every character they complete. */
    public String decode(byte[] bytes) {
        ByteBuffer input = ByteBuffer.allocate(carry.remaining() + bytes.length);
        input.put(carry).put(bytes).flip();
        CharBuffer out = CharBuffer.allocate(input.remaining() + 1);
        decoder.decode(input, out, false);
        carry = input.slice();
        return out.flip().toString();
    }

    /** Ends the stream: an incomplete trailing character becomes U+FFFD. */
    public String finish() {
        CharBuffer out = CharBuffer.allocate(carry.remaining() + 2);
        decoder.decode(carry, out, true);
        decoder.flush(out);
        carry = ByteBuffer.allocate(0);
        return out.flip().toString();
    }
}
