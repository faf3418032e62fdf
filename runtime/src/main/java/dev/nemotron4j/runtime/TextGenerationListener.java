package dev.nemotron4j.runtime;

import dev.nemotron4j.chat.budget.ThinkingBudgetController;
import dev.nemotron4j.chat.budget.ThinkingControlTokens;
import dev.nemotron4j.engine.generation.GenerationListener;
import dev.nemotron4j.engine.generation.GenerationStats;
import dev.nemotron4j.engine.generation.TokenLogprobs;

import java.util.Arrays;

/**
 * One generation's listener on the scheduler thread: what must be decided before the next token — the output
 * grammar's mask (tool_choice required / named, response_format json_object / json_schema) and the reasoning
 * budget's forced tokens — is done here, on token ids; the text work (decoding, stop strings, the output parser) is
 * handed to a {@link TextWorker} and runs off the scheduler thread.
 *
 * <p>Two decisions need the text: a completed stop string ends the generation, and the parser leaving the reasoning
 * (a tool call opened without {@code </think>}) stops the budget from forcing an ending. The first is learned when
 * the text side gets there (usually by the next step; tokens generated past it are dropped by the text side, which
 * reports the generation as ended at the stop string). For the second, while the budget still counts, the next
 * step's forced-token question waits for the text side to catch up, so the budget decides exactly as it would inline.
 */
final class TextGenerationListener implements GenerationListener {
    private final ThinkingBudgetController budget;
    private final LineBreakTokens lineBreaks;
    private final GrammarConstraint grammar;
    private final TextWorker text;

    TextGenerationListener(TextJob job, ThinkingControlTokens thinking, LineBreakTokens lineBreaks, GrammarConstraint grammar,
                           TextWorker text) {
        this.lineBreaks = lineBreaks;
        this.grammar = grammar;
        this.text = text;
        if (job.settings().budget() != null) {
            ThinkingControlTokens t = job.settings().budgetEndingIds() == null ? thinking : thinking.withForcedEnding(job.settings().budgetEndingIds());
            this.budget = ThinkingBudgetController.forPrompt(job.settings().budget(), t, Arrays.stream(job.promptIds()).boxed().toList());
        } else {
            this.budget = null;
        }
    }

    @Override
    public int forcedNextToken() {
        if (budget == null) return -1;
        if (budget.phase() == ThinkingBudgetController.Phase.THINKING) {
            text.awaitCaughtUp();
            if (text.leftReasoning()) budget.reasoningEnded();
        }
        return budget.forcedNextToken().orElse(-1);
    }

    @Override
    public void constrain(float[] logits, int offset, int vocab) {
        if (grammar != null) grammar.mask(logits, offset, vocab);
    }

    @Override
    public boolean onToken(int token, TokenLogprobs logprobs) {
        if (grammar != null) grammar.accept(token);
        if (budget != null) budget.accept(token, lineBreaks.contains(token));
        if (text.stopRequested()) return false; // a stop string completed at an earlier token
        text.submit(token, logprobs);
        return !text.stopRequested();
    }

    @Override
    public void onComplete(GenerationStats stats) {
        text.complete(stats);
    }

    @Override
    public void onError(Throwable error) {
        text.fail(error);
    }
}
