package dev.nemotron4j.tokenizer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Added-token matching: longest match, lstrip/rstrip, single_word, normalized, special. */
class AddedTokensTest {

    private static final int A = 0;
    private static final int B = 1;
    private static final int SPACE = 2;
    private static final int UNK = 3;
    private static final int MASK = 10;
    private static final int END = 11;
    private static final int AB = 12;
    private static final int IM = 13;
    private static final int IM_START = 14;
    private static final int UPPER = 15;

    /** A character-level model (a, b, space) plus added tokens with the various flags. */
    private static Tokenizer tokenizer() {
        return Tokenizer.fromJson("""
                {"added_tokens": [
                  {"id": 10, "content": "<mask>", "lstrip": true, "rstrip": false, "single_word": false, "normalized": false, "special": true},
                  {"id": 11, "content": "[END]", "lstrip": false, "rstrip": true, "single_word": false, "normalized": false, "special": true},
                  {"id": 12, "content": "ab", "lstrip": false, "rstrip": false, "single_word": true, "normalized": false, "special": false},
                  {"id": 13, "content": "<|im", "lstrip": false, "rstrip": false, "single_word": false, "normalized": false, "special": true},
                  {"id": 14, "content": "<|im_start|>", "lstrip": false, "rstrip": false, "single_word": false, "normalized": false, "special": true},
                  {"id": 15, "content": "BAA", "lstrip": false, "rstrip": false, "single_word": false, "normalized": true, "special": false}
                ],
                 "normalizer": {"type": "Lowercase"},
                 "pre_tokenizer": null,
                 "model": {"type": "BPE", "unk_token": "<unk>", "fuse_unk": false, "byte_fallback": false,
                           "vocab": {"a": 0, "b": 1, " ": 2, "<unk>": 3}, "merges": []},
                 "decoder": {"type": "Fuse"}}
                """);
    }

    @Test
    void lstripSwallowsWhitespaceOnTheLeftOnly() {
        assertThat(tokenizer().encode("a  <mask> b", false)).containsExactly(A, MASK, SPACE, B);
    }

    @Test
    void rstripSwallowsWhitespaceOnTheRightOnly() {
        assertThat(tokenizer().encode("a [END]  b", false)).containsExactly(A, SPACE, END, B);
    }

    @Test
    void singleWordTokensDoNotMatchInsideWords() {
        Tokenizer t = tokenizer();
        assertThat(t.encode("ab a ab", false)).containsExactly(AB, SPACE, A, SPACE, AB);
        assertThat(t.encode("abab", false)).containsExactly(A, B, A, B);
        assertThat(t.encode("(ab)", false)).containsExactly(UNK, AB, UNK);
    }

    @Test
    void longestMatchWinsAtTheLeftmostPosition() {
        Tokenizer t = tokenizer();
        assertThat(t.encode("<|im_start|>a<|imb", false)).containsExactly(IM_START, A, IM, B);
    }

    @Test
    void normalizedTokensMatchTheNormalizedText() {
        // "BAA" is normalized=true: its lowercased spelling "baa" is searched in the lowercased text.
        assertThat(tokenizer().encode("aBAAb", false)).containsExactly(A, UPPER, B);
        assertThat(tokenizer().encode("baa", false)).containsExactly(UPPER);
        assertThat(tokenizer().encode("BAA", false)).containsExactly(UPPER);
    }

    @Test
    void specialTokensAreSkippedOnRequest() {
        Tokenizer t = tokenizer();
        int[] ids = {MASK, A, AB, END};
        assertThat(t.decode(ids, false)).isEqualTo("<mask>aab[END]");
        assertThat(t.decode(ids, true)).isEqualTo("aab");
        assertThat(t.isSpecial(MASK)).isTrue();
        assertThat(t.isSpecial(AB)).isFalse();
        assertThat(t.isSpecial(A)).isFalse();
        assertThat(t.tokenToId("<mask>")).hasValue(MASK);
        assertThat(t.tokenToId("b")).hasValue(B);
        assertThat(t.tokenToId("zzz")).isEmpty();
        assertThat(t.idToToken(END)).isEqualTo("[END]");
        assertThat(t.idToToken(2)).isEqualTo(" ");
        assertThat(t.idToToken(99)).isNull();
        assertThat(t.vocabSize()).isEqualTo(16);
    }
}
