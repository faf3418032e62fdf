package dev.nemotron4j.tokenizer.model;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BytePairEncoderTest {

    private static Map<String, Integer> vocab(String... tokens) {
        Map<String, Integer> v = new HashMap<>();
        for (int i = 0; i < tokens.length; i++) {
            v.put(tokens[i], i);
        }
        return v;
    }

    private static int[] encode(BytePairEncoder bpe, String word) {
        IdBuffer out = new IdBuffer();
        bpe.encode(word, out);
        return out.toArray();
    }

    @Test
    void equalRanksMergeLeftmostFirst() {
        BytePairEncoder bpe = new BytePairEncoder(vocab("a", "aa"), List.of(new MergeRule("a", "a")),
                BpeOptions.BYTE_LEVEL, 0);
        assertThat(encode(bpe, "aaa")).containsExactly(1, 0);
        assertThat(encode(bpe, "aaaa")).containsExactly(1, 1);
        assertThat(encode(bpe, "aaaaa")).containsExactly(1, 1, 0);
    }

    @Test
    void lowerRankWinsEvenWhenItAppearsLater() {
        // "b c" (rank 0) beats "a b" (rank 1): abc → a + bc, and "a bc" is no merge.
        BytePairEncoder bpe = new BytePairEncoder(vocab("a", "b", "c", "ab", "bc"),
                List.of(new MergeRule("b", "c"), new MergeRule("a", "b")), BpeOptions.BYTE_LEVEL, 0);
        assertThat(encode(bpe, "abc")).containsExactly(0, 4);
        assertThat(encode(bpe, "abab")).containsExactly(3, 3);
    }

    @Test
    void ignoreMergesTakesWholeVocabularyWords() {
        // "abc" is in the vocabulary but cannot be reached by merges.
        Map<String, Integer> v = vocab("a", "b", "c", "ab", "abc");
        List<MergeRule> merges = List.of(new MergeRule("a", "b"));
        BytePairEncoder merging = new BytePairEncoder(v, merges, BpeOptions.BYTE_LEVEL, 100);
        BytePairEncoder ignoring = new BytePairEncoder(v, merges, BpeOptions.BYTE_LEVEL.withIgnoreMerges(true), 100);
        assertThat(encode(merging, "abc")).containsExactly(3, 2);
        assertThat(encode(ignoring, "abc")).containsExactly(4);
        assertThat(encode(ignoring, "abcabc")).containsExactly(3, 2, 3, 2);
    }

    @Test
    void continuingSubwordPrefixAndEndOfWordSuffix() {
        BpeOptions prefixed = new BpeOptions("[UNK]", false, false, false, "##", null);
        BytePairEncoder wordPieceLike = new BytePairEncoder(vocab("[UNK]", "a", "##b", "##c", "ab", "abc"),
                List.of(new MergeRule("a", "##b"), new MergeRule("ab", "##c")), prefixed, 0);
        assertThat(encode(wordPieceLike, "abc")).containsExactly(5);
        assertThat(encode(wordPieceLike, "ab")).containsExactly(4);
        assertThat(encode(wordPieceLike, "ba")).containsExactly(0, 0);

        BpeOptions suffixed = new BpeOptions(null, false, false, false, null, "</w>");
        BytePairEncoder openAiGpt = new BytePairEncoder(vocab("a", "b</w>", "ab</w>", "b"),
                List.of(new MergeRule("a", "b</w>")), suffixed, 0);
        assertThat(encode(openAiGpt, "ab")).containsExactly(2);
        // "b" starting the word is in the vocabulary; the final "a" is looked up as "a</w>", unknown, and dropped.
        assertThat(encode(openAiGpt, "ba")).containsExactly(3);
    }

    @Test
    void mergeWithUnknownTokenIsRejected() {
        assertThatThrownBy(() -> new BytePairEncoder(vocab("a"), List.of(new MergeRule("a", "z")),
                BpeOptions.BYTE_LEVEL, 0)).hasMessageContaining("\"z\"");
        assertThat(MergeRule.parse("Ġ t")).isEqualTo(new MergeRule("Ġ", "t"));
        assertThatThrownBy(() -> MergeRule.parse("a b c")).hasMessageContaining("a b c");
    }
}
