package dev.nemotron4j.train.tasks;

import dev.nemotron4j.chat.budget.ThinkingBudget;
import dev.nemotron4j.chat.budget.ThinkingBudgetController;
import dev.nemotron4j.chat.budget.ThinkingBudgetController.Phase;
import dev.nemotron4j.chat.budget.ThinkingControlTokens;
import dev.nemotron4j.tokenizer.Tokenizer;
import dev.nemotron4j.train.Fixtures;
import dev.nemotron4j.train.tasks.ArithmeticProblem.Operation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;

class BudgetTruncationTest {

    private static Tokenizer tokenizer;
    private static BudgetTruncation truncation;

    @BeforeAll
    static void load() throws IOException {
        tokenizer = Tokenizer.load(Fixtures.dir("tiny-a").resolve("tokenizer.json"));
        truncation = new BudgetTruncation(tokenizer);
    }

    private static final String WORKING = ArithmeticWorking.of(new ArithmeticProblem(Operation.ADD, 4827, 356));

    @Test
    void cutAtTheFirstNewlineAfterTheBudgetThenTheForcedEnding() {
        // The first line is more than 10 tokens long: a budget of 10 waits for its newline.
        assertThat(truncation.truncate(WORKING, ThinkingBudget.of(10)))
                .contains("Add 4827 + 356 column by column, right to left.\n.\n");
    }

    @Test
    void aTraceWithinTheBudgetIsNotCut() {
        int length = truncation.tokenCount(WORKING);
        assertThat(truncation.truncate(WORKING, ThinkingBudget.of(length + 5))).isEmpty();
    }

    @Test
    void theGraceLimitCutsWithoutANewline() {
        Optional<String> cut = truncation.truncate("one two three four five six seven eight nine ten", new ThinkingBudget(2, 3));
        assertThat(cut).isPresent();
        assertThat(cut.get()).endsWith(".\n");
        String sentence = "one two three four five six seven eight nine ten";
        String kept = cut.get().substring(0, cut.get().length() - 2);
        assertThat(kept).isNotEmpty().isNotEqualTo(sentence);
        assertThat(sentence).startsWith(kept);
    }

    /** Each budget gives exactly what the engine's generation loop gives for a model that writes the trace. */
    @Test
    void sameTextAsTheGenerationLoopForEveryBudget() {
        ThinkingControlTokens control = new ThinkingControlTokens(ids("<think>\n"), List.of(ids("</think>")),
                ids(ThinkingControlTokens.DEFAULT_FORCED_ENDING_TEXT));
        ArithmeticEnvironment environment = new ArithmeticEnvironment();
        for (long i = 0; i < 3; i++) {
            String reasoning = environment.sample(DataSplit.SFT.seed(i)).steps().getFirst().withReasoning().reasoningContent();
            int length = truncation.tokenCount(reasoning);
            String previous = "";
            for (int budget = 0; budget <= length + 2; budget++) {
                ThinkingBudget limit = ThinkingBudget.of(budget);
                String generated = generate(reasoning, limit, control);
                Optional<String> cut = truncation.truncate(reasoning, limit);
                if (generated.equals(reasoning + "\n</think>")) {
                    assertThat(cut).as("budget " + budget).isEmpty();
                } else {
                    assertThat(cut).as("budget " + budget).contains(generated.substring(0, generated.length() - "\n</think>".length()));
                    assertThat(generated).endsWith(ThinkingControlTokens.DEFAULT_FORCED_ENDING_TEXT);
                    assertThat(cut.get().length()).isGreaterThanOrEqualTo(previous.length());
                    previous = cut.get();
                }
            }
        }
    }

    /** The runtime's loop: emit the forced id when there is one, else the model's next id; stop when reasoning ends. */
    private static String generate(String reasoning, ThinkingBudget budget, ThinkingControlTokens control) {
        int[] model = tokenizer.encode(reasoning + "\n</think>", false);
        ThinkingBudgetController controller = new ThinkingBudgetController(budget, control, true);
        List<Integer> out = new ArrayList<>();
        int next = 0;
        while (controller.phase() != Phase.DONE) {
            OptionalInt forced = controller.forcedNextToken();
            int id = forced.isPresent() ? forced.getAsInt() : model[next++];
            out.add(id);
            controller.accept(id, tokenizer.decode(new int[] {id}, false));
        }
        return tokenizer.decode(out.stream().mapToInt(Integer::intValue).toArray(), false);
    }

    private static List<Integer> ids(String text) {
        return Arrays.stream(tokenizer.encode(text, false)).boxed().toList();
    }
}
