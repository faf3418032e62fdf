package dev.nemotron4j.runtime;

import dev.nemotron4j.engine.generation.TokenLogprobs;
import dev.nemotron4j.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * A token as text with its log-probability under the model's raw distribution (before penalties and temperature), and
 * the most likely alternatives at its position, each a scored token of its own (with no alternatives): what OpenAI's
 * {@code logprobs} report, for generated tokens ({@link TextSink#onToken}) and scored prompts ({@link TextService#score}).
 *
 * @param id           the token id
 * @param text         the token's own text (special tokens included), as {@link TextService#tokenText} gives it
 * @param alternatives the most likely tokens at this position, most likely first (empty when none were asked for)
 */
public record ScoredToken(int id, String text, float logprob, List<ScoredToken> alternatives) {
    public ScoredToken {
        alternatives = List.copyOf(alternatives);
    }

    /** The model's log-probabilities of a token, with the texts of it and of its alternatives. */
    static ScoredToken of(TokenLogprobs lp, Tokenizer tokenizer) {
        List<ScoredToken> top = new ArrayList<>(lp.topTokens().length);
        for (int i = 0; i < lp.topTokens().length; i++) {
            int id = lp.topTokens()[i];
            top.add(new ScoredToken(id, text(tokenizer, id), lp.topLogprobs()[i], List.of()));
        }
        return new ScoredToken(lp.token(), text(tokenizer, lp.token()), lp.logprob(), top);
    }

    static String text(Tokenizer tokenizer, int id) {
        return tokenizer.decode(new int[] {id}, false);
    }
}
