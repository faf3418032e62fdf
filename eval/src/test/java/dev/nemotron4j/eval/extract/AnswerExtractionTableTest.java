package dev.nemotron4j.eval.extract;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.nemotron4j.eval.interceptor.ReasoningInterceptor;
import dev.nemotron4j.eval.score.NumericEquivalenceScorer;
import dev.nemotron4j.eval.target.GenerationResult;
import dev.nemotron4j.eval.target.ReasoningSplit;
import dev.nemotron4j.eval.target.TokenUsage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tricky real-world answer strings: think blocks, empty content with the answer in reasoning,
 * several candidate answers, formatting variants. Each row goes through the reasoning split first,
 * exactly as in a run.
 */
class AnswerExtractionTableTest {
    private static final ReasoningInterceptor REASONING = new ReasoningInterceptor(true, "<think>", "</think>");

    static ModelAnswer answerOf(String content, String reasoning) {
        GenerationResult r = new GenerationResult(content, reasoning, content, List.of(), "stop", TokenUsage.UNKNOWN,
                List.of(), null, null, 0, null);
        ReasoningSplit split = REASONING.split(r);
        return new ModelAnswer(split.answer(), split.reasoning(), r.toolCalls());
    }

    @ParameterizedTest(name = "[{index}] {0} | {1} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', nullValues = "NULL", textBlock = """
            <think>maybe 12, or 15?</think>The answer is \\boxed{18}.                 | ''                                         | 18
            <think>17*3=51 and 99 more</think>\\n\\nSo she makes $18 every day.        | ''                                         | 18
            ''                                                                        | Sum is 9+9. So the final answer is 18.    | 18
            '   '                                                                     | Therefore \\boxed{18}                      | 18
            The answer is 20. Wait, let me recheck: \\boxed{18}                        | ''                                         | 18
            \\boxed{18} looked right, but no: the answer is 20                         | ''                                         | 20
            Janet sells 9 eggs at $2 each.\\n#### 1,234                               | ''                                         | 1234
            The answer is $1,234.50.                                                  | ''                                         | 1234.5
            Answer: 18.00                                                             | ''                                         | 18
            **Answer:** 42                                                            | ''                                         | 42
            So the probability is \\boxed{\\frac{3}{4}}                               | ''                                         | 0.75
            \\boxed{\\dfrac{1}{3}}                                                     | ''                                         | 1/3
            Solving gives \\boxed{x = 5}                                               | ''                                         | 5
            The answer is −7                                                          | ''                                         | -7
            She has 3 apples and 4 pears, 7 fruits in total                           | ''                                         | 7
            It costs \\boxed{18 \\text{ dollars}}                                      | ''                                         | 18
            The discount is 25%.                                                      | ''                                         | 25
            Total: 5 + 3 = 8.                                                         | ''                                         | 8
            <think>the answer is 99</think>\\n\\nThe answer is 100.                    | ''                                         | 100
            **Final answer:** \\boxed{42}                                              | We need 40 + 2 which is 42.               | 42
            <think>truncated thinking about 41 and                                    | ''                                         | 41
            I cannot solve this.                                                      | ''                                         | NULL
            """)
    void numericExtractionFindsTheFinalAnswer(String content, String reasoning, String expected) {
        ModelAnswer answer = answerOf(unescape(content), unescape(reasoning));
        Extraction e = new NumericAnswerExtractor().extract(answer, 0);
        assertThat(e.value()).isEqualTo(expected);
    }

    @Test
    void thinkTextNeverLeaksIntoTheAnswerAndRawTextIsKept() {
        GenerationResult r = GenerationResult.ofText("<think>I guess 7</think>Final: 9", "stop");
        ReasoningSplit split = REASONING.split(r);
        assertThat(split.answer()).isEqualTo("Final: 9");
        assertThat(split.reasoning()).isEqualTo("I guess 7");
        assertThat(split.source()).isEqualTo("after_think");
        assertThat(r.withSplit(split).rawText()).isEqualTo("<think>I guess 7</think>Final: 9");
    }

    @Test
    void emptyContentFallsBackToReasoningOnlyWhenEnabled() {
        GenerationResult r = new GenerationResult("", "so the answer is 12", "", List.of(), "stop", TokenUsage.UNKNOWN,
                List.of(), null, null, 0, null);
        assertThat(REASONING.split(r).source()).isEqualTo("reasoning_fallback");
        assertThat(new ReasoningInterceptor(false, "<think>", "</think>").split(r))
                .isEqualTo(new ReasoningSplit("", "so the answer is 12", "none"));
        assertThat(new NumericAnswerExtractor().extract(ModelAnswer.ofText(""), 0).found()).isFalse();
    }

    @ParameterizedTest(name = "[{index}] {0} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', nullValues = "NULL", textBlock = """
            Answer: B                                                        | ''                     | B
            The answer is (C).                                               | ''                     | C
            **Answer: D**                                                    | ''                     | D
            Answer: **(A)**                                                  | ''                     | A
            Therefore \\boxed{B}                                              | ''                     | B
            \\boxed{\\text{C}}                                                | ''                     | C
            Options A and B look close.\\nAnswer: A\\nWait, no.\\nAnswer: C   | ''                     | C
            B                                                                | ''                     | B
            (D)                                                              | ''                     | D
            **C.**                                                           | ''                     | C
            <think>Answer: A seems right</think>Answer: B                    | ''                     | B
            ''                                                               | Checking... Answer: D  | D
            A reasonable answer is B, since 2 > 1.                           | ''                     | B
            Answer: A. Because apples are red.                               | ''                     | A
            Answer: E                                                        | ''                     | NULL
            I am not sure.                                                   | ''                     | NULL
            """)
    void choiceLetterLastMatchWins(String content, String reasoning, String expected) {
        Extraction e = new ChoiceLetterExtractor().extract(answerOf(unescape(content), unescape(reasoning)), 4);
        assertThat(e.value()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{index}] {0} ~ {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            1,000     | 1000   | 1
            1000.0    | 1000   | 1
            $1000     | 1000   | 1
            0.5       | 1/2    | 1
            3/4       | 0.75   | 1
            18.00     | 18     | 1
            -3        | 3      | 0
            0.333     | 1/3    | 0
            12        | 13     | 0
            forty     | forty  | 1
            """)
    void numericEquivalenceGoesBeyondStrings(String got, String want, double score) {
        assertThat(new NumericEquivalenceScorer().score(new Extraction(got, "test"), TextNode.valueOf(want))).isEqualTo(score);
    }

    @Test
    void regexAndFullTextExtractors() {
        assertThat(new RegexExtractor("Result=(\\w+)").extract(ModelAnswer.ofText("Result=a then Result=b"), 0).value()).isEqualTo("b");
        assertThat(new FullTextExtractor().extract(ModelAnswer.ofText("  hello \n"), 0).value()).isEqualTo("hello");
        assertThat(AnswerExtractor.named("numeric", null)).isInstanceOf(NumericAnswerExtractor.class);
    }

    private static String unescape(String s) {
        return s == null ? "" : s.replace("\\n", "\n").replace("\\\\", "\\");
    }
}
