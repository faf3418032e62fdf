package dev.nemotron4j.eval.score;

import dev.nemotron4j.eval.extract.AnswerExtractor;
import dev.nemotron4j.eval.extract.Extraction;
import dev.nemotron4j.eval.extract.ModelAnswer;
import dev.nemotron4j.eval.json.CanonicalJson;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The parts of code grading that need no Python: output comparison, result equality, code extraction. */
class CodeTestsScorerTest {

    @Test
    void standardOutputMatchesLineByLineStrippedOrAsTheSameNumbers() {
        assertThat(CodeTestsScorer.stdoutMatches("3\n", "3")).isTrue();
        assertThat(CodeTestsScorer.stdoutMatches("  1 2  \r\n3\n\n", "1 2\n3\n")).isTrue();
        assertThat(CodeTestsScorer.stdoutMatches("2.50\n", "2.5\n")).as("same decimal").isTrue();
        assertThat(CodeTestsScorer.stdoutMatches("1   2.0\n", "1 2\n")).as("tokens as decimals").isTrue();
        assertThat(CodeTestsScorer.stdoutMatches("2.5000001\n", "2.5\n")).as("no tolerance").isFalse();
        assertThat(CodeTestsScorer.stdoutMatches("1\n2\n", "1 2\n")).as("line structure counts").isFalse();
        assertThat(CodeTestsScorer.stdoutMatches("Yes\n", "YES\n")).isFalse();
        assertThat(CodeTestsScorer.stdoutMatches("", "0")).isFalse();
    }

    @Test
    void functionalResultsCompareAsPythonValues() {
        String m = CodeTestsScorer.RESULT_MARKER;
        assertThat(CodeTestsScorer.functionalVerdict("debug print" + m + "[0, 1]", "[0,1]")).isNull();
        assertThat(CodeTestsScorer.functionalVerdict(m + "2.0", "2")).as("1 == 1.0 in Python").isNull();
        assertThat(CodeTestsScorer.functionalVerdict(m + "{\"a\": [1, 2]}", "{\"a\": [1, 2.0]}")).isNull();
        assertThat(CodeTestsScorer.functionalVerdict(m + "[1, 0]", "[0, 1]")).isEqualTo("wrong_answer");
        assertThat(CodeTestsScorer.functionalVerdict(m + "\"a\"", "\"A\"")).isEqualTo("wrong_answer");
        assertThat(CodeTestsScorer.functionalVerdict("no marker: the driver never ran", "1")).isEqualTo("wrong_answer");
        assertThat(CodeTestsScorer.functionalVerdict(m + "Infinity", "Infinity")).isNull();
        assertThat(CodeTestsScorer.driver("pairSum")).contains("getattr(_holder(), 'pairSum')").contains("json.dumps(_result)");
    }

    @Test
    void noCodeScoresZeroWithoutRunningAnything() {
        CodeTestsScorer scorer = new CodeTestsScorer(null, dev.nemotron4j.eval.sandbox.ExecutionLimits.DEFAULT);
        Scored s = scorer.judge(Extraction.none(), CanonicalJson.parse("{\"tests\": [{\"input\": \"\", \"output\": \"1\"}], \"difficulty\": \"easy\"}"));
        assertThat(s.score()).isZero();
        assertThat(s.details().toString()).isEqualTo("{\"difficulty\":\"easy\",\"tests\":1,\"verdict\":\"no_code\",\"passed\":0}");
    }

    @Test
    void theLastPythonBlockIsTheProgramAndSciCodeTakesTheFirstWithoutImports() {
        AnswerExtractor last = AnswerExtractor.named("python_code", null);
        String answer = "Plan:\n```\nuntagged\n```\n```python\nprint(1)\n```\nthen\n```py\nimport sys\nprint(2)\n```\n```bash\nls\n```\n```python\nnever closed";
        Extraction e = last.extract(ModelAnswer.ofText(answer), 0);
        assertThat(e.value()).isEqualTo("import sys\nprint(2)\n");
        assertThat(e.method()).isEqualTo("python_block");
        AnswerExtractor first = AnswerExtractor.named("python_code", Map.of("block", "first", "strip_imports", true));
        assertThat(first.extract(ModelAnswer.ofText(answer), 0).value()).isEqualTo("print(1)\n");
        assertThat(first.extract(ModelAnswer.ofText("```python\nimport numpy as np\nfrom math import pi\n  import os\ndef f():\n    return pi\n```"), 0).value())
                .isEqualTo("def f():\n    return pi\n");
        assertThat(last.extract(ModelAnswer.ofText("only\n```\nx = 1\n```"), 0)).isEqualTo(new Extraction("x = 1\n", "code_block"));
        assertThat(last.extract(ModelAnswer.ofText("no fence at all: print(3)"), 0).found()).isFalse();
        assertThat(last.extract(ModelAnswer.ofText("```python\n\n```"), 0).found()).isFalse();
    }
}
