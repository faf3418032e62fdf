package dev.nemotron4j.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** Streaming decode must emit only complete text, at every possible split of the id sequence. */
class StreamingDecoderTest {

    private static final String TEXT = "Hi 😀! naïve 中文 👩‍👩‍👧 ok🦩\n";

    @Test
    void byteLevelStreamingMatchesOneShotDecodeAtEverySplitPoint() {
        Tokenizer t = Fixtures.reference("qwen3");
        int[] ids = t.encode(TEXT, false);
        // The flamingo and the family emoji are split across byte tokens in this vocabulary.
        assertThat(ids.length).isGreaterThan(TEXT.codePointCount(0, TEXT.length()) / 3);
        checkEverySplit(t, ids, TEXT);
    }

    @Test
    void byteFallbackStreamingHoldsBackPartialCharacters() {
        Tokenizer t = SentencePieceStyleJson.gemmaStyle();
        int[] ids = t.encode(" Hello 😀 world", false);
        checkEverySplit(t, ids, " Hello 😀 world");
        // The four byte tokens of the emoji produce nothing until the last one arrives.
        StreamingDecoder s = t.streamingDecoder(false);
        assertThat(s.accept(SentencePieceStyleJson.id("▁Hello"))).isEqualTo(" Hello");
        assertThat(s.accept(SentencePieceStyleJson.byteId(0xF0))).isEmpty();
        assertThat(s.accept(SentencePieceStyleJson.byteId(0x9F))).isEmpty();
        assertThat(s.accept(SentencePieceStyleJson.byteId(0x98))).isEmpty();
        assertThat(s.accept(SentencePieceStyleJson.byteId(0x80))).isEqualTo("😀");
        assertThat(s.flush()).isEmpty();
    }

    @Test
    void metaspaceStreamingKeepsTheFirstTokenRule() {
        Tokenizer t = SentencePieceStyleJson.metaspace("first");
        int[] ids = t.encode("Hello world Hello", false);
        checkEverySplit(t, ids, "Hello world Hello");
    }

    @Test
    void flushEmitsAnIncompleteCharacterAsReplacement() {
        Tokenizer t = SentencePieceStyleJson.gemmaStyle();
        StreamingDecoder s = t.streamingDecoder(false);
        assertThat(s.accept(SentencePieceStyleJson.byteId(0xF0))).isEmpty();
        assertThat(s.flush()).isEqualTo("\uFFFD");
    }

    @Test
    void specialTokensCanBeSkipped() {
        Tokenizer t = Fixtures.reference("qwen3");
        int imEnd = t.tokenToId("<|im_end|>").orElseThrow();
        int[] ids = t.encode("Hi<|im_end|>", false);
        assertThat(ids).contains(imEnd);
        StreamingDecoder s = t.streamingDecoder(true);
        StringBuilder out = new StringBuilder();
        for (int id : ids) {
            out.append(s.accept(id));
        }
        out.append(s.flush());
        assertThat(out.toString()).isEqualTo("Hi");
    }

    /** Feeds ids[0..k), checks the partial output, then the rest, for every k. */
    private static void checkEverySplit(Tokenizer t, int[] ids, String expectedText) {
        String full = t.decode(ids, false);
        assertThat(full).isEqualTo(expectedText);
        for (int k = 0; k <= ids.length; k++) {
            StreamingDecoder s = t.streamingDecoder(false);
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < ids.length; i++) {
                String piece = s.accept(ids[i]);
                assertWellFormed(piece, ids, i);
                out.append(piece);
                if (i + 1 == k && !full.startsWith(out.toString())) {
                    fail("after %d of %s the streamed text %s is not a prefix of %s", k, Arrays.toString(ids),
                            Fixtures.show(out.toString()), Fixtures.show(full));
                }
            }
            out.append(s.flush());
            assertThat(out.toString()).as("streamed text").isEqualTo(full);
        }
    }

    private static void assertWellFormed(String piece, int[] ids, int index) {
        if (piece.indexOf('\uFFFD') >= 0) {
            fail("piece %s for id #%d of %s contains U+FFFD", Fixtures.show(piece), index, Arrays.toString(ids));
        }
        if (!piece.isEmpty() && (Character.isLowSurrogate(piece.charAt(0))
                || Character.isHighSurrogate(piece.charAt(piece.length() - 1)))) {
            fail("piece %s for id #%d splits a surrogate pair", Fixtures.show(piece), index);
        }
    }
}
