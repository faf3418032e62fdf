package dev.nemotron4j.tokenizer;

import org.junit.jupiter.api.Test;

import static dev.nemotron4j.tokenizer.SentencePieceStyleJson.BOS;
import static dev.nemotron4j.tokenizer.SentencePieceStyleJson.UNK;
import static dev.nemotron4j.tokenizer.SentencePieceStyleJson.byteId;
import static dev.nemotron4j.tokenizer.SentencePieceStyleJson.id;
import static org.assertj.core.api.Assertions.assertThat;

/** Byte fallback, unknown tokens, ▁ handling and Metaspace on a hand-made SentencePiece-style vocabulary. */
class SentencePieceStyleTest {

    @Test
    void gemmaStyleMergesWordsThatIncludeTheirSpace() {
        Tokenizer t = SentencePieceStyleJson.gemmaStyle();
        // "Hello world" → "Hello▁world": no leading ▁, so "Hello" is built from H + ell + o.
        assertThat(t.encode("Hello world", false)).containsExactly(id("H"), id("ell"), id("o"), id("▁world"));
        assertThat(t.encode(" Hello world", false)).containsExactly(id("▁Hello"), id("▁world"));
        assertThat(t.encode(" Hello", true)).containsExactly(BOS, id("▁Hello"));
        assertThat(t.decode(new int[] {BOS, id("▁Hello"), id("▁world")}, true)).isEqualTo(" Hello world");
        assertThat(t.decode(new int[] {BOS, id("▁Hello")}, false)).isEqualTo("<bos> Hello");
    }

    @Test
    void gemma3ShapeGivesTheSameIdsAsWithoutTheRedundantSplit() {
        Tokenizer withSplit = SentencePieceStyleJson.gemma3Style();
        Tokenizer without = SentencePieceStyleJson.gemmaStyle();
        for (String text : new String[] {"Hello world", "  Hello  world ", "Hi😀é<eos> Hello", ""}) {
            assertThat(withSplit.encode(text, true)).as(text).containsExactly(without.encode(text, true));
            assertThat(withSplit.decode(withSplit.encode(text, false), false)).as(text).isEqualTo(text);
        }
    }

    @Test
    void missingCharactersFallBackToUtf8ByteTokens() {
        Tokenizer t = SentencePieceStyleJson.gemmaStyle();
        // 'i' and the emoji (F0 9F 98 80) are not in the vocabulary; 'é' is.
        int[] ids = t.encode("Hi😀é", false);
        assertThat(ids).containsExactly(id("H"), byteId('i'), byteId(0xF0), byteId(0x9F), byteId(0x98),
                byteId(0x80), id("é"));
        assertThat(t.decode(ids, false)).isEqualTo("Hi😀é");
    }

    @Test
    void invalidByteRunsDecodeToOneReplacementCharacterPerByte() {
        Tokenizer t = SentencePieceStyleJson.gemmaStyle();
        assertThat(t.decode(new int[] {byteId(0xF0), byteId(0x9F), id("H")}, false)).isEqualTo("\uFFFD\uFFFDH");
    }

    @Test
    void withoutByteFallbackUnknownCharactersBecomeUnkFusedOrNot() {
        String noNormalizer = "null";
        String decoder = "{\"type\": \"Fuse\"}";
        Tokenizer fused = Tokenizer.fromJson(SentencePieceStyleJson.json(noNormalizer, "null", decoder, false, true));
        Tokenizer unfused = Tokenizer.fromJson(SentencePieceStyleJson.json(noNormalizer, "null", decoder, false, false));
        assertThat(fused.encode("Hxyzo", false)).containsExactly(id("H"), UNK, id("o"));
        assertThat(unfused.encode("Hxyzo", false)).containsExactly(id("H"), UNK, UNK, UNK, id("o"));
    }

    @Test
    void llama2StylePrependsASpaceAndTheDecoderStripsIt() {
        Tokenizer t = SentencePieceStyleJson.llama2Style();
        int[] ids = t.encode("Hello world", false);
        assertThat(ids).containsExactly(id("▁Hello"), id("▁world"));
        assertThat(t.decode(ids, false)).isEqualTo("Hello world");
        // The normalizer runs per segment between added tokens, so the text after <eos> gets its own ▁.
        assertThat(t.encode("<eos>Hello", false)).containsExactly(SentencePieceStyleJson.EOS, id("▁Hello"));
    }

    @Test
    void metaspacePrependSchemeFirstOnlyPrependsAtTheStartOfTheInput() {
        Tokenizer first = SentencePieceStyleJson.metaspace("first");
        Tokenizer always = SentencePieceStyleJson.metaspace("always");
        Tokenizer never = SentencePieceStyleJson.metaspace("never");
        assertThat(first.encode("Hello world", false)).containsExactly(id("▁Hello"), id("▁world"));
        assertThat(first.encode("<bos>Hello", false)).containsExactly(BOS, id("H"), id("ell"), id("o"));
        assertThat(always.encode("<bos>Hello", false)).containsExactly(BOS, id("▁Hello"));
        assertThat(never.encode("Hello world", false)).containsExactly(id("H"), id("ell"), id("o"), id("▁world"));
        // The decoder drops the ▁ of the first token unless the scheme is "never".
        assertThat(first.decode(new int[] {id("▁Hello"), id("▁world")}, false)).isEqualTo("Hello world");
        assertThat(never.decode(new int[] {id("▁Hello"), id("▁world")}, false)).isEqualTo(" Hello world");
    }

    @Test
    void metaspaceSplitsBeforeEveryReplacementCharacter() {
        Tokenizer t = SentencePieceStyleJson.metaspace("always");
        // "Hello  world" → "▁Hello", "▁", "▁world".
        assertThat(t.encode("Hello  world", false)).containsExactly(id("▁Hello"), id("▁"), id("▁world"));
    }

    @Test
    void longWordWithoutPreTokenizerEncodes() {
        // A 600k-character single "word" (no pre-tokenizer); its speed is in LongInputBenchmark.
        Tokenizer t = SentencePieceStyleJson.gemmaStyle();
        String text = " Hello world".repeat(50_000);
        int[] ids = t.encode(text, false);
        assertThat(ids).hasSize(100_000);
        assertThat(ids[0]).isEqualTo(id("▁Hello"));
        assertThat(ids[99_999]).isEqualTo(id("▁world"));
    }
}
