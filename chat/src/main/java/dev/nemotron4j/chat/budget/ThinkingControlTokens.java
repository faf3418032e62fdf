package dev.nemotron4j.chat.budget;

import java.util.List;

/**
 * The token ids the budget controller needs, resolved from the model's tokenizer by the caller (never hard-coded:
 * for Nemotron 3 Nano they are {@code <think>\n} = [12, 1010], {@code </think>} = [13], and the forced ending
 * {@code .\n\n</think>} = [1338, 13], but other vocabularies differ).
 *
 * @param promptThinkStart the ids a prompt ends with when reasoning is on ({@code <think>\n}); the budget applies
 *                         only then
 * @param thinkEndings     id sequences that mean the model closed its reasoning itself ({@code </think>})
 * @param forcedEnding     the ids to force when the budget is spent; should end with a think ending
 */
public record ThinkingControlTokens(List<Integer> promptThinkStart, List<List<Integer>> thinkEndings,
                                    List<Integer> forcedEnding) {

    /** The text NVIDIA forces to end reasoning ({@code [1338, 13]} in the Nano 3 vocabulary); tokenize it to get ids. */
    public static final String DEFAULT_FORCED_ENDING_TEXT = ".\n\n</think>";

    public ThinkingControlTokens {
        promptThinkStart = List.copyOf(promptThinkStart);
        thinkEndings = thinkEndings.stream().map(List::copyOf).toList();
        forcedEnding = List.copyOf(forcedEnding);
        if (forcedEnding.isEmpty()) throw new IllegalArgumentException("the forced ending needs at least one token id");
        if (thinkEndings.stream().anyMatch(List::isEmpty)) {
            throw new IllegalArgumentException("a think ending needs at least one token id");
        }
    }

    /** The same ids with another forced ending (a request's {@code end_token_ids} override). */
    public ThinkingControlTokens withForcedEnding(List<Integer> ids) {
        return new ThinkingControlTokens(promptThinkStart, thinkEndings, ids);
    }
}
