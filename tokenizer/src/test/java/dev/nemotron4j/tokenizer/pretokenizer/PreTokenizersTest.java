package dev.nemotron4j.tokenizer.pretokenizer;

import dev.nemotron4j.tokenizer.text.OnigurumaPattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PreTokenizersTest {

    private static List<String> split(PreTokenizer p, String text) {
        List<TextPiece> out = new ArrayList<>();
        p.split(new TextPiece(text, true), out);
        return out.stream().map(TextPiece::text).toList();
    }

    private static Split onSpace(String behavior, boolean invert) {
        return new Split(new SplitPattern.Regex(OnigurumaPattern.literal(" ")),
                SplitDelimiterBehavior.fromJson(behavior), invert);
    }

    @Test
    void splitBehaviorsOnALiteralPattern() {
        String text = "a  b c";
        assertThat(split(onSpace("Removed", false), text)).containsExactly("a", "b", "c");
        assertThat(split(onSpace("Isolated", false), text)).containsExactly("a", " ", " ", "b", " ", "c");
        assertThat(split(onSpace("MergedWithPrevious", false), text)).containsExactly("a ", " ", "b ", "c");
        assertThat(split(onSpace("MergedWithNext", false), text)).containsExactly("a", " ", " b", " c");
        assertThat(split(onSpace("Contiguous", false), text)).containsExactly("a", "  ", "b", " ", "c");
        assertThat(split(onSpace("Removed", true), text)).containsExactly(" ", " ", " ");
    }

    @Test
    void splitWithARegexKeepsEveryCharacterWhenIsolated() {
        Split llama3 = new Split(new SplitPattern.Regex(OnigurumaPattern.compile(
                "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
                        + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+")), SplitDelimiterBehavior.ISOLATED, false);
        assertThat(split(llama3, "I'M here  1234567 ok\n\n"))
                .containsExactly("I", "'M", " here", " ", " ", "123", "456", "7", " ok", "\n\n");
        // \s is Unicode whitespace: a no-break space before a word stays separate, as in Rust.
        assertThat(split(llama3, "a\u00A0\u00A0b")).containsExactly("a", "\u00A0", "\u00A0b");
    }

    @ParameterizedTest
    @CsvSource({"true, 'a|1|2|3|b|٣|4'", "false, 'a|123|b|٣4'"})
    void digitsIndividuallyOrAsRuns(boolean individual, String expected) {
        assertThat(split(new Digits(individual), "a123b٣4")).containsExactly(expected.split("\\|"));
    }

    @Test
    void whitespaceFamily() {
        assertThat(split(new WhitespaceSplit(), " hello,\u3000world! ")).containsExactly("hello,", "world!");
        assertThat(split(new Whitespace(), "hello, world!?")).containsExactly("hello", ",", "world", "!?");
        assertThat(split(new Punctuation(SplitDelimiterBehavior.ISOLATED), "hi!!「x」"))
                .containsExactly("hi", "!", "!", "「", "x", "」");
        assertThat(split(new BertPreTokenizer(), "Hey, you!")).containsExactly("Hey", ",", "you", "!");
        assertThat(split(new CharDelimiterSplit('-'), "a-b--c")).containsExactly("a", "b", "c");
    }

    @Test
    void byteLevelSpellsBytesWithTheGpt2Alphabet() {
        assertThat(split(new ByteLevel(false, false), "Hi there\n")).containsExactly("HiĠthereĊ");
        assertThat(split(new ByteLevel(true, true), "Hi there")).containsExactly("ĠHi", "Ġthere");
        assertThat(split(new ByteLevel(false, true), "é")).containsExactly("Ã©");
    }

    @Test
    void sequenceFeedsEveryPieceToTheNextStep() {
        PreTokenizer p = new PreTokenizerSequence(List.of(new WhitespaceSplit(), new Digits(true)));
        assertThat(split(p, "ab12 c3")).containsExactly("ab", "1", "2", "c", "3");
    }
}
