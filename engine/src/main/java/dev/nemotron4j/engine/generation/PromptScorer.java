package dev.nemotron4j.engine.generation;

import dev.nemotron4j.engine.model.BatchLayout;
import dev.nemotron4j.engine.model.NemotronHModel;
import dev.nemotron4j.engine.state.SequenceState;

import java.util.Arrays;

/**
 * Log-probability of every token of a sequence given the tokens before it (for {@code echo} with logprobs and
 * log-likelihood scoring). The sequence is fed in pieces so that only a piece's logits are held at once
 * (a full [T, vocab] matrix would be gigabytes for long prompts at the real vocabulary).
 */
public final class PromptScorer {
    private PromptScorer() {}

    /** Rows of logits held at once (also the scheduler's scoring pieces, so both compute the same bits). */
    public static final int PIECE = 64;

    /**
     * @param top alternatives to report per position (0 = only the token's own log-probability)
     * @return one entry per token; entry 0 is null (the first token has no prefix to condition on)
     */
    public static TokenLogprobs[] score(NemotronHModel model, int[] ids, int top) {
        int vocab = model.vocabSize();
        TokenLogprobs[] out = new TokenLogprobs[ids.length];
        SequenceState state = model.newState(Math.max(ids.length, 1));
        float[] logits = new float[Math.min(PIECE, Math.max(ids.length, 1)) * vocab];
        for (int start = 0; start < ids.length; start += PIECE) {
            int n = Math.min(PIECE, ids.length - start);
            int[] piece = Arrays.copyOfRange(ids, start, start + n);
            model.forward(BatchLayout.of(new SequenceState[] {state}, new int[] {n}), piece, NemotronHModel.LogitRows.ALL, logits, null);
            for (int r = 0; r < n; r++) {
                int next = start + r + 1; // row r predicts token start+r+1
                if (next < ids.length) out[next] = TokenLogprobs.of(logits, r * vocab, vocab, ids[next], top);
            }
        }
        return out;
    }
}
