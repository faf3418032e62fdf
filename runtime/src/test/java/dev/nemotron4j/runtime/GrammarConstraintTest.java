package dev.nemotron4j.runtime;

import dev.nemotron4j.chat.ToolDefinition;
import dev.nemotron4j.chat.output.ToolCallGrammar;
import dev.nemotron4j.testkit.TestData;
import dev.nemotron4j.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The logit mask of constrained tool calls, on the tiny models' real tokenizer: only tokens that continue the grammar
 * survive, the end of turn only after a complete call, special tokens never inside a value.
 */
class GrammarConstraintTest {

    private static final Tokenizer TOKENIZER = load();

    private static Tokenizer load() {
        try {
            return Tokenizer.load(TestData.tiny("tiny-a").resolve("tokenizer.json"));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int id(String token) {
        return TOKENIZER.tokenToId(token).orElseThrow();
    }

    /** The ids that survive the mask, for a constraint that has seen {@code prefix}. */
    private static int[] allowedAfter(GrammarConstraint c, String prefix) {
        for (int t : TOKENIZER.encode(prefix, false)) c.accept(t);
        float[] logits = new float[TOKENIZER.vocabSize() + 3]; // 3 ids past the tokenizer: never allowed
        c.mask(logits, 0, logits.length);
        return java.util.stream.IntStream.range(0, logits.length).filter(i -> logits[i] == 0f).toArray();
    }

    private static GrammarConstraint constraint(int end) {
        ToolDefinition tool = ToolDefinition.function("get_time", null, null);
        return new GrammarConstraint(ToolCallGrammar.named(tool, false), new TokenTexts(TOKENIZER, TOKENIZER.vocabSize() + 3), Set.of(end));
    }

    @Test
    void onlyContinuationsOfTheGrammarSurvive() {
        int end = id("<|im_end|>");
        int[] first = allowedAfter(constraint(end), "");
        assertThat(first).isNotEmpty().doesNotContain(end);
        String call = "<tool_call>\n<function=get_time>\n</function>\n</tool_call>\n";
        for (int t : first) {
            String text = TOKENIZER.decode(new int[] {t}, false);
            String rest = text.replaceFirst("^[ \n]{0,2}", ""); // at most two leading blanks, then the call
            assertThat(call).as("token %d '%s'", t, text).startsWith(rest);
        }
        assertThat(first).contains(id("<tool_call>"));
        int[] inValue = allowedAfter(constraint(end), "<tool_call>\n<function=get_time>\n<parameter=x>\nab");
        assertThat(inValue.length).as("free text: most tokens").isGreaterThan(TOKENIZER.vocabSize() / 2);
        assertThat(inValue).doesNotContain(end, id("<|im_start|>"));
        GrammarConstraint done = constraint(end);
        int[] afterCall = allowedAfter(done, "<tool_call>\n<function=get_time>\n</function>\n</tool_call>\n");
        assertThat(afterCall).containsExactly(end);
    }

    @Test
    void aGrammarTheTokensCannotContinueLeavesTheLogitsAlone() {
        GrammarConstraint c = constraint(id("<|im_end|>"));
        for (int t : TOKENIZER.encode("Hello", false)) c.accept(t); // already outside the grammar
        float[] logits = new float[TOKENIZER.vocabSize()];
        Arrays.fill(logits, 1.5f);
        c.mask(logits, 0, logits.length);
        assertThat(logits).containsOnly(1.5f);
    }
}
