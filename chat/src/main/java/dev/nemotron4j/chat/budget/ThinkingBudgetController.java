package dev.nemotron4j.chat.budget;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Enforces a {@link ThinkingBudget} token by token, independent of the model (PROTOCOL.md section 5, recipe A):
 * once {@code budget} tokens are generated it waits for a token whose text contains a newline, or cuts
 * unconditionally at {@code budget + grace}; then it forces the ending sequence (e.g. {@code .\n\n</think>}) one token
 * at a time, continuing from any part of it the model already wrote. If the model closes its reasoning by itself,
 * the controller steps aside.
 *
 * <p>Use in the generation loop, per step: ask {@link #forcedNextToken()}; if present, emit that id instead of
 * sampling (mask all other logits); then report the emitted token with {@link #accept(int, String)}.
 * Not thread-safe: one controller per generation.
 */
public final class ThinkingBudgetController {

    /** Where the controller stands. */
    public enum Phase {
        /** Not applicable: the prompt did not open a think block. */
        INACTIVE,
        /** Reasoning within budget (or waiting for a newline in the grace period). */
        THINKING,
        /** The budget is spent: the ending sequence is being forced. */
        ENDING,
        /** Reasoning is over (closed by the model or by the forced ending); no more intervention. */
        DONE
    }

    private final ThinkingBudget budget;
    private final ThinkingControlTokens tokens;
    private final List<Integer> generated = new ArrayList<>();
    private boolean lastTokenHadNewline;
    private Phase phase;

    /**
     * A controller for one generation.
     *
     * @param promptEndsInsideThinking whether the prompt ends with the think start (reasoning on); see
     *                                 {@link #forPrompt}
     */
    public ThinkingBudgetController(ThinkingBudget budget, ThinkingControlTokens tokens, boolean promptEndsInsideThinking) {
        this.budget = budget;
        this.tokens = tokens;
        this.phase = promptEndsInsideThinking ? Phase.THINKING : Phase.INACTIVE;
        startEndingIfDue();
    }

    /** A controller that is active only if the prompt's ids end with {@link ThinkingControlTokens#promptThinkStart()}. */
    public static ThinkingBudgetController forPrompt(ThinkingBudget budget, ThinkingControlTokens tokens, List<Integer> promptIds) {
        List<Integer> start = tokens.promptThinkStart();
        boolean inside = !start.isEmpty() && promptIds.size() >= start.size()
                && promptIds.subList(promptIds.size() - start.size(), promptIds.size()).equals(start);
        return new ThinkingBudgetController(budget, tokens, inside);
    }

    /** The current phase. */
    public Phase phase() {
        return phase;
    }

    /** Number of tokens generated so far (forced ones included). */
    public int generatedTokens() {
        return generated.size();
    }

    /** The id that must be generated next, or empty when the model may sample freely. */
    public OptionalInt forcedNextToken() {
        if (phase != Phase.ENDING) return OptionalInt.empty();
        List<Integer> ending = tokens.forcedEnding();
        return OptionalInt.of(ending.get(endingAlreadyWritten()));
    }

    /** The rest of the ending sequence that will be forced (empty unless ending), for engines that append it at once. */
    public List<Integer> remainingForcedTokens() {
        if (phase != Phase.ENDING) return List.of();
        List<Integer> ending = tokens.forcedEnding();
        return ending.subList(endingAlreadyWritten(), ending.size());
    }

    /**
     * Reports a generated token (sampled or forced).
     *
     * @param tokenId   its id
     * @param tokenText its decoded text (used to see whether it contains a newline)
     */
    public void accept(int tokenId, String tokenText) {
        accept(tokenId, tokenText != null && tokenText.indexOf('\n') >= 0);
    }

    /**
     * Reports a generated token (sampled or forced) by whether its text holds a newline, for callers that know it
     * without decoding the token again.
     */
    public void accept(int tokenId, boolean tokenHasNewline) {
        generated.add(tokenId);
        lastTokenHadNewline = tokenHasNewline;
        if (phase == Phase.INACTIVE || phase == Phase.DONE) return;
        if (phase == Phase.ENDING) {
            // The forced ending is written in full, even when it holds a think ending followed by more ids (a
            // request's end_token_ids may force the start of the answer); a think ending outside it stops forcing.
            int written = endingAlreadyWritten();
            if (written == tokens.forcedEnding().size() || written == 0 && endsWithAny(tokens.thinkEndings())) phase = Phase.DONE;
            return;
        }
        if (endsWithAny(tokens.thinkEndings())) {
            phase = Phase.DONE;
            return;
        }
        startEndingIfDue();
    }

    /**
     * The reasoning ended without a think ending the controller saw (the model opened a tool call inside it): from
     * now on nothing is forced. A forced ending already under way is finished.
     */
    public void reasoningEnded() {
        if (phase == Phase.THINKING) phase = Phase.DONE;
    }

    private void startEndingIfDue() {
        if (phase != Phase.THINKING) return;
        int count = generated.size();
        boolean pastBudgetAtNewline = count >= budget.tokens() && count > 0 && lastTokenHadNewline;
        if (pastBudgetAtNewline || count >= budget.hardLimit()) {
            // The model may already have written the whole ending itself (when it is not a think ending).
            phase = endingAlreadyWritten() == tokens.forcedEnding().size() ? Phase.DONE : Phase.ENDING;
        }
    }

    /** Longest k such that the last k generated ids equal the first k ids of the ending (the model may have begun it). */
    private int endingAlreadyWritten() {
        List<Integer> ending = tokens.forcedEnding();
        for (int k = Math.min(ending.size(), generated.size()); k > 0; k--) {
            if (generated.subList(generated.size() - k, generated.size()).equals(ending.subList(0, k))) return k;
        }
        return 0;
    }

    private boolean endsWithAny(List<List<Integer>> sequences) {
        for (List<Integer> sequence : sequences) {
            int n = sequence.size();
            if (generated.size() >= n && generated.subList(generated.size() - n, generated.size()).equals(sequence)) return true;
        }
        return false;
    }
}
