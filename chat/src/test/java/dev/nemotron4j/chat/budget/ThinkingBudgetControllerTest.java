package dev.nemotron4j.chat.budget;

import dev.nemotron4j.chat.budget.ThinkingBudgetController.Phase;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;

/** Token-by-token checks against a small fake vocabulary (ids chosen unlike the real ones on purpose). */
class ThinkingBudgetControllerTest {

    static final int THINK = 500;
    static final int NEWLINE = 501;
    static final int THINK_END = 502;
    static final int DOT_NEWLINES = 503;
    static final int WORD = 504;
    static final int WORD_WITH_NEWLINE = 505;
    static final int OTHER_WORD = 506;

    static final Map<Integer, String> VOCAB = Map.of(THINK, "<think>", NEWLINE, "\n", THINK_END, "</think>",
            DOT_NEWLINES, ".\n\n", WORD, " word", WORD_WITH_NEWLINE, "end\n", OTHER_WORD, " other");

    static final ThinkingControlTokens TOKENS = new ThinkingControlTokens(
            List.of(THINK, NEWLINE), List.of(List.of(THINK_END)), List.of(DOT_NEWLINES, THINK_END));

    static final List<Integer> PROMPT_THINKING = List.of(10, 20, THINK, NEWLINE);

    static ThinkingBudgetController controller(int budget, int grace) {
        return ThinkingBudgetController.forPrompt(new ThinkingBudget(budget, grace), TOKENS, PROMPT_THINKING);
    }

    static void generate(ThinkingBudgetController c, int id, int times) {
        for (int i = 0; i < times; i++) {
            assertThat(c.forcedNextToken()).as("free sampling before token %d", c.generatedTokens() + 1).isEmpty();
            c.accept(id, VOCAB.get(id));
        }
    }

    /** Lets the controller force what it wants, reporting each forced token back; returns the forced ids. */
    static List<Integer> followForcing(ThinkingBudgetController c) {
        List<Integer> forced = new java.util.ArrayList<>();
        for (OptionalInt next = c.forcedNextToken(); next.isPresent(); next = c.forcedNextToken()) {
            forced.add(next.getAsInt());
            c.accept(next.getAsInt(), VOCAB.get(next.getAsInt()));
        }
        return forced;
    }

    @Test
    void endsAtTheFirstNewlineTokenAfterTheBudget() {
        ThinkingBudgetController c = controller(5, 100);
        generate(c, WORD, 3);
        generate(c, WORD_WITH_NEWLINE, 1); // a newline before the budget does not count
        generate(c, WORD, 3);
        assertThat(c.generatedTokens()).isEqualTo(7);
        assertThat(c.phase()).isEqualTo(Phase.THINKING);
        c.accept(WORD_WITH_NEWLINE, "end\n");
        assertThat(c.phase()).isEqualTo(Phase.ENDING);
        assertThat(c.remainingForcedTokens()).containsExactly(DOT_NEWLINES, THINK_END);
        assertThat(followForcing(c)).containsExactly(DOT_NEWLINES, THINK_END);
        assertThat(c.phase()).isEqualTo(Phase.DONE);
        generate(c, WORD, 20); // the answer is free
    }

    @Test
    void newlineExactlyAtTheBudgetEnds() {
        ThinkingBudgetController c = controller(3, 100);
        generate(c, WORD, 2);
        c.accept(NEWLINE, "\n");
        assertThat(c.forcedNextToken()).hasValue(DOT_NEWLINES);
    }

    @Test
    void cutsUnconditionallyAfterTheGracePeriod() {
        ThinkingBudgetController c = controller(4, 3);
        generate(c, WORD, 6);
        assertThat(c.phase()).isEqualTo(Phase.THINKING);
        c.accept(WORD, " word");
        assertThat(c.generatedTokens()).isEqualTo(7);
        assertThat(followForcing(c)).containsExactly(DOT_NEWLINES, THINK_END);
        assertThat(c.phase()).isEqualTo(Phase.DONE);
    }

    @Test
    void continuesAnEndingTheModelAlreadyBegan() {
        ThinkingBudgetController c = controller(2, 10);
        generate(c, WORD, 2);
        // ".\n\n" contains a newline and is also the first token of the ending: only </think> remains.
        c.accept(DOT_NEWLINES, ".\n\n");
        assertThat(c.phase()).isEqualTo(Phase.ENDING);
        assertThat(c.remainingForcedTokens()).containsExactly(THINK_END);
        assertThat(followForcing(c)).containsExactly(THINK_END);
    }

    @Test
    void modelClosingItsReasoningStopsTheController() {
        ThinkingBudgetController c = controller(5, 0);
        generate(c, WORD, 2);
        c.accept(THINK_END, "</think>");
        assertThat(c.phase()).isEqualTo(Phase.DONE);
        generate(c, WORD, 50);
    }

    @Test
    void zeroBudgetWithoutGraceForcesTheEndingImmediately() {
        ThinkingBudgetController c = controller(0, 0);
        assertThat(c.phase()).isEqualTo(Phase.ENDING);
        assertThat(followForcing(c)).containsExactly(DOT_NEWLINES, THINK_END);
        assertThat(c.generatedTokens()).isEqualTo(2);
    }

    @Test
    void zeroBudgetEndsAtTheFirstNewline() {
        ThinkingBudgetController c = controller(0, 500);
        generate(c, WORD, 1);
        c.accept(WORD_WITH_NEWLINE, "end\n");
        assertThat(followForcing(c)).containsExactly(DOT_NEWLINES, THINK_END);
    }

    @Test
    void inactiveWhenThePromptDidNotOpenAThinkBlock() {
        ThinkingBudgetController c = ThinkingBudgetController.forPrompt(new ThinkingBudget(0, 0), TOKENS,
                List.of(10, 20, THINK, THINK_END));
        assertThat(c.phase()).isEqualTo(Phase.INACTIVE);
        generate(c, WORD_WITH_NEWLINE, 10);
        assertThat(c.phase()).isEqualTo(Phase.INACTIVE);
    }

    @Test
    void forcingResumesIfTheEngineEmittedSomethingElse() {
        ThinkingBudgetController c = controller(1, 0);
        generate(c, WORD, 1);
        assertThat(c.forcedNextToken()).hasValue(DOT_NEWLINES);
        c.accept(OTHER_WORD, " other"); // an engine that ignored the forcing
        assertThat(c.forcedNextToken()).hasValue(DOT_NEWLINES);
    }

    @Test
    void endingWithoutAThinkEndTokenCompletesByOverlap() {
        ThinkingControlTokens custom = TOKENS.withForcedEnding(List.of(WORD, OTHER_WORD));
        ThinkingBudgetController c = new ThinkingBudgetController(new ThinkingBudget(1, 0), custom, true);
        generate(c, NEWLINE, 1);
        assertThat(followForcing(c)).containsExactly(WORD, OTHER_WORD);
        assertThat(c.phase()).isEqualTo(Phase.DONE);
    }

    @Test
    void anEndingThatGoesPastTheThinkEndIsForcedInFull() {
        ThinkingControlTokens custom = TOKENS.withForcedEnding(List.of(THINK_END, NEWLINE, WORD, OTHER_WORD));
        ThinkingBudgetController c = new ThinkingBudgetController(new ThinkingBudget(0, 0), custom, true);
        assertThat(followForcing(c)).containsExactly(THINK_END, NEWLINE, WORD, OTHER_WORD);
        assertThat(c.phase()).isEqualTo(Phase.DONE);
        generate(c, WORD, 5); // the rest is free
    }
}
