package dev.nemotron4j.engine.generation;

import dev.nemotron4j.engine.model.BatchLayout;
import dev.nemotron4j.engine.model.NemotronHModel;
import dev.nemotron4j.engine.sampling.Sampler;
import dev.nemotron4j.engine.state.SequenceState;

import java.util.Arrays;
import java.util.Set;

/**
 * Token-level generation for one sequence: prefill the prompt (in pieces of at most {@code prefillChunk}
 * tokens), then decode one token at a time with the cached state until a stop token, the token limit, or the
 * listener says stop.
 */
public final class TokenGenerator {

    /** Why generation ended. */
    public enum StopReason { STOP_TOKEN, MAX_TOKENS, LISTENER }

    /** Sees each generated token; returning false stops generation. */
    @FunctionalInterface
    public interface TokenListener {
        boolean onToken(int token);
    }

    /** Result: generated ids (the stop token included if one ended it), reason and timings. */
    public record Result(int[] tokens, StopReason reason, long prefillNanos, long decodeNanos) {
        public double decodeTokensPerSecond() {
            return tokens.length <= 1 || decodeNanos == 0 ? 0 : (tokens.length - 1) * 1e9 / decodeNanos;
        }
    }

    private final NemotronHModel model;
    private final int prefillChunk;

    public TokenGenerator(NemotronHModel model, int prefillChunk) {
        this.model = model;
        this.prefillChunk = Math.max(1, prefillChunk);
    }

    public TokenGenerator(NemotronHModel model) {
        this(model, BatchScheduler.DEFAULT_PREFILL_CHUNK);
    }

    /** Feeds {@code prompt} in chunks and returns the last position's logits. */
    public float[] prefill(SequenceState state, int[] prompt) {
        if (prompt.length == 0) throw new IllegalArgumentException("empty prompt");
        float[] logits = null;
        for (int pos = 0; pos < prompt.length; pos += prefillChunk) {
            int end = Math.min(prompt.length, pos + prefillChunk);
            logits = model.forwardLast(state, Arrays.copyOfRange(prompt, pos, end));
        }
        return logits;
    }

    public Result generate(SequenceState state, int[] prompt, int maxTokens, Sampler sampler, Set<Integer> stopTokens, TokenListener listener) {
        long t0 = System.nanoTime();
        sampler.acceptPrompt(prompt);
        float[] logits = prefill(state, prompt);
        long t1 = System.nanoTime();
        int[] out = new int[Math.max(0, maxTokens)];
        int n = 0;
        StopReason reason = StopReason.MAX_TOKENS;
        int[] one = new int[1];
        BatchLayout single = BatchLayout.of(new SequenceState[] {state}, new int[] {1});
        while (n < maxTokens) {
            int token = sampler.sample(logits, 0);
            sampler.accept(token);
            out[n++] = token;
            if (listener != null && !listener.onToken(token)) {
                reason = StopReason.LISTENER;
                break;
            }
            if (stopTokens.contains(token)) {
                reason = StopReason.STOP_TOKEN;
                break;
            }
            if (n == maxTokens) break;
            one[0] = token;
            model.forward(single, one, NemotronHModel.LogitRows.LAST_OF_EACH_SEGMENT, logits, null);
        }
        long t2 = System.nanoTime();
        return new Result(Arrays.copyOf(out, n), reason, t1 - t0, t2 - t1);
    }
}
