package dev.nemotron4j.train.tasks;

import dev.nemotron4j.chat.budget.ThinkingBudget;
import dev.nemotron4j.chat.budget.ThinkingBudgetController;
import dev.nemotron4j.chat.budget.ThinkingBudgetController.Phase;
import dev.nemotron4j.chat.budget.ThinkingControlTokens;
import dev.nemotron4j.tokenizer.Tokenizer;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Cuts a reasoning trace the way the engine's budget controller cuts a generation ({@link ThinkingBudgetController},
 * PROTOCOL.md section 5): the trace and its closing {@code \n</think>} are tokenized with the model's tokenizer and
 * fed to a real controller token by token; where it starts forcing, the rest of the forced ending
 * ({@value ThinkingControlTokens#DEFAULT_FORCED_ENDING_TEXT}, resolved to ids as the runtime resolves it) replaces the
 * rest of the trace. The result is a {@code reasoning_content} that the chat template renders as exactly the text
 * the controller leaves: {@code <think>\n} + cut + {@code .\n\n</think>}, followed by {@code \n} and the answer,
 * which is what the model must learn to write after a forced {@code </think>}.
 *
 * <p>(The whole conversation is tokenized again by the renderer, so the cut's tokens can merge differently there
 * than one by one in generation; the text is the same.)
 */
public final class BudgetTruncation {

    private static final String RENDERED_THINK_END = "\n</think>";

    private final Tokenizer tokenizer;
    private final ThinkingControlTokens controlTokens;

    /** Truncation with a model's tokenizer, its think markers and forced ending resolved as the runtime does. */
    public BudgetTruncation(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
        this.controlTokens = new ThinkingControlTokens(
                ids(tokenizer.encode("<think>\n", false)),
                List.of(ids(tokenizer.encode("</think>", false))),
                ids(tokenizer.encode(ThinkingControlTokens.DEFAULT_FORCED_ENDING_TEXT, false)));
    }

    /** The number of tokens of a reasoning text (what a budget counts). */
    public int tokenCount(String reasoning) {
        return tokenizer.encode(reasoning, false).length;
    }

    /**
     * The reasoning as the controller leaves it under {@code budget}, as a {@code reasoning_content} (the forced
     * ending included, less the {@code \n</think>} the template adds back), or empty when the controller would let
     * the model close its reasoning by itself.
     */
    public Optional<String> truncate(String reasoning, ThinkingBudget budget) {
        int[] generated = tokenizer.encode(reasoning + RENDERED_THINK_END, false);
        ThinkingBudgetController controller = new ThinkingBudgetController(budget, controlTokens, true);
        int kept = 0;
        while (controller.phase() == Phase.THINKING && kept < generated.length) {
            int id = generated[kept++];
            controller.accept(id, tokenizer.decode(new int[] {id}, false).indexOf('\n') >= 0);
        }
        if (controller.phase() != Phase.ENDING) return Optional.empty();
        int[] cut = IntStream.concat(Arrays.stream(generated, 0, kept),
                controller.remainingForcedTokens().stream().mapToInt(Integer::intValue)).toArray();
        String text = tokenizer.decode(cut, false);
        if (!text.endsWith(RENDERED_THINK_END)) {
            throw new IllegalStateException("the forced ending decodes to text that does not end with \\n</think>: "
                    + text.substring(Math.max(0, text.length() - 20)));
        }
        return Optional.of(text.substring(0, text.length() - RENDERED_THINK_END.length()));
    }

    private static List<Integer> ids(int[] ids) {
        return Arrays.stream(ids).boxed().toList();
    }
}
