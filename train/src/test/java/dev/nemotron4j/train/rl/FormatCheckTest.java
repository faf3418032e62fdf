package dev.nemotron4j.train.rl;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Well-formed think blocks and tool-call XML. */
class FormatCheckTest {

    @Test
    void reasoningOnNeedsOneClosedThinkBlockThenAnAnswer() {
        assertThat(FormatCheck.wellFormed("7 plus 5 is 12.\n</think>\nThe answer is 12.", true)).isTrue();
        assertThat(FormatCheck.wellFormed("7 plus 5 is 12. The answer is 12.", true)).isFalse();
        assertThat(FormatCheck.wellFormed("x</think>\n  ", true)).isFalse();
        assertThat(FormatCheck.wellFormed("x</think>y</think>z", true)).isFalse();
        assertThat(FormatCheck.wellFormed("<think>x</think>y", true)).isFalse();
    }

    @Test
    void reasoningOffHasNoThinkTags() {
        assertThat(FormatCheck.wellFormed("The answer is 12.", false)).isTrue();
        assertThat(FormatCheck.wellFormed("a</think>The answer is 12.", false)).isFalse();
        assertThat(FormatCheck.wellFormed("", false)).isFalse();
    }

    @Test
    void toolCallsMustBeClosedAndHoldOneFunction() {
        String call = "<tool_call>\n<function=get_weather>\n<parameter=city>\nLisbon\n</parameter>\n</function>\n</tool_call>";
        assertThat(FormatCheck.wellFormed(call, false)).isTrue();
        assertThat(FormatCheck.wellFormed("ok</think>\n" + call, true)).isTrue();
        assertThat(FormatCheck.wellFormed(call.replace("</tool_call>", ""), false)).isFalse();
        assertThat(FormatCheck.wellFormed(call.replace("</parameter>", ""), false)).isFalse();
        assertThat(FormatCheck.wellFormed(call.replace("</function>", ""), false)).isFalse();
        assertThat(FormatCheck.wellFormed("</tool_call>" + call, false)).isFalse();
        assertThat(FormatCheck.wellFormed("<tool_call><function=>x</function></tool_call>", false)).isFalse();
    }
}
