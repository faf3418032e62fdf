package dev.nemotron4j.train.data;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The BPE trainer's merges on corpora small enough to work out by hand, and its determinism. */
class BpeTrainerTest {

    private static WordCounts counts(String... texts) {
        WordCounts counts = new WordCounts();
        for (String t : texts) counts.add(t);
        return counts;
    }

    @Test
    void mergesTheMostFrequentPairFirstAndStopsBelowTheMinimumFrequency() {
        // words: "ab" ×1, "Ġab" ×2, "Ġcd" ×1 → pairs (a,b) 3, (Ġ,a) 2, (Ġ,c) 1, (c,d) 1
        BpeTrainer.Vocabulary v = BpeTrainer.train(counts("ab ab ab cd"), 1000, 2);
        assertThat(v.merges()).containsExactly(new BpeTrainer.Merge("a", "b"), new BpeTrainer.Merge("Ġ", "ab"));
        assertThat(v.tokens()).hasSize(290);
        assertThat(v.tokens().subList(288, 290)).containsExactly("ab", "Ġab");
        assertThat(v.tokens().get(ReservedTokens.FIRST_BYTE_ID + 'a')).isEqualTo("a");
        assertThat(v.tokens().get(ReservedTokens.FIRST_BYTE_ID + ' ')).isEqualTo("Ġ");
        assertThat(v.tokens().subList(10, 18)).containsExactlyElementsOf(ReservedTokens.CHAT_TAGS);
        assertThat(v.tokens().subList(0, 3)).containsExactly("<unk>", "<s>", "</s>");
    }

    @Test
    void tiesGoToTheSmallerLeftIdThenTheSmallerRightId() {
        // after ab and Ġab every pair occurs once: (Ġ,c) [ids 64,131] before (c,d) [131,132]
        BpeTrainer.Vocabulary v = BpeTrainer.train(counts("ab ab ab cd"), 1000, 1);
        assertThat(v.merges()).containsExactly(new BpeTrainer.Merge("a", "b"), new BpeTrainer.Merge("Ġ", "ab"),
                new BpeTrainer.Merge("Ġ", "c"), new BpeTrainer.Merge("Ġc", "d"));
        assertThat(v.tokens()).hasSize(292);
        // "ca", "Ġdb": (c,a) [131,129], (Ġ,d) [64,132], (d,b) [132,130] once each: the smallest left id wins
        assertThat(BpeTrainer.train(counts("ca db"), 289, 1).merges()).containsExactly(new BpeTrainer.Merge("Ġ", "d"));
    }

    @Test
    void individualDigitsNeverMergeDigits() {
        WordCounts corpus = counts("12 12 12 12 345 345 345 ab ab");
        assertThat(BpeTrainer.train(corpus, 300, 2).merges()).contains(new BpeTrainer.Merge("1", "2"));
        BpeTrainer.Vocabulary v = BpeTrainer.train(corpus, 300, 2, true);
        assertThat(v.merges()).isNotEmpty().noneMatch(m -> (m.left() + m.right()).chars().anyMatch(Character::isDigit));
        assertThat(v.tokens()).contains("Ġab");
    }

    @Test
    void stopsAtTheRequestedVocabularySize() {
        BpeTrainer.Vocabulary v = BpeTrainer.train(counts("ab ab ab cd"), 289, 1);
        assertThat(v.tokens()).hasSize(289);
        assertThat(v.merges()).containsExactly(new BpeTrainer.Merge("a", "b"));
    }

    @Test
    void reservedTokensInTheTextTakeNoPartInMerges() {
        // without the cut, "<|im_end|>" would give the pairs (<,|), (|,i) … twice each
        BpeTrainer.Vocabulary v = BpeTrainer.train(counts("xy<|im_end|>xy<|im_end|>"), 1000, 2);
        assertThat(v.merges()).containsExactly(new BpeTrainer.Merge("x", "y"));
    }

    @Test
    void sameCountsInAnyOrderGiveTheSameVocabulary() {
        List<String> texts = List.of("the cat sat on the mat", "a tiny model reads the tiny text", "3 + 4 = 7, 12 * 12 = 144",
                "Ünïcödé wörds and 漢字 and emoji 🙂🙂", "the end of the text");
        WordCounts forward = new WordCounts();
        texts.forEach(forward::add);
        WordCounts backward = new WordCounts();
        texts.reversed().forEach(backward::add);
        BpeTrainer.Vocabulary a = BpeTrainer.train(forward, 400, 1);
        BpeTrainer.Vocabulary b = BpeTrainer.train(backward, 400, 1);
        assertThat(a).isEqualTo(b);
        assertThat(TokenizerFiles.tokenizerJson(a)).isEqualTo(TokenizerFiles.tokenizerJson(b));
    }

    @Test
    void rejectsAVocabularyWithoutRoomForTheBytes() {
        assertThatThrownBy(() -> BpeTrainer.train(counts("ab"), 287, 2))
                .hasMessageContaining("287").hasMessageContaining("288");
    }
}
