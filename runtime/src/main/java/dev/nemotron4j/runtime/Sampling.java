package dev.nemotron4j.runtime;

import dev.nemotron4j.engine.sampling.SamplingParams;

import java.util.Map;

/**
 * How each next token is picked: OpenAI's and vLLM's sampling fields, each off at its neutral value (top-k 0, top-p 1,
 * min-p 0, repetition penalty 1, presence and frequency penalties 0). Repetition is penalised multiplicatively over the
 * prompt and the output, presence and frequency additively over the output.
 *
 * @param temperature 0 picks the most likely token
 * @param topK        keep the k most likely tokens (0: all)
 * @param topP        keep the smallest set whose probability reaches p (1: all)
 * @param minP        drop tokens less likely than min-p times the most likely one (0: none)
 * @param logitBias   added to the given token ids' logits before anything else
 * @param seed        the same seed gives the same tokens
 */
public record Sampling(float temperature, int topK, float topP, float minP, float repetitionPenalty, float presencePenalty,
                       float frequencyPenalty, Map<Integer, Float> logitBias, long seed) {

    /** Always the most likely token. */
    public static final Sampling GREEDY = new Sampling(0f, 0, 1f, 0f, 1f, 0f, 0f, Map.of(), 0L);

    /** @throws IllegalArgumentException when a value is out of its range (the message names the field as OpenAI does) */
    public Sampling {
        logitBias = logitBias == null ? Map.of() : Map.copyOf(logitBias);
        // the engine's own check is the one definition of the ranges
        new SamplingParams(temperature, topK, topP, minP, repetitionPenalty, presencePenalty, frequencyPenalty, logitBias, seed);
    }

    /** The same sampling with another seed. */
    public Sampling withSeed(long newSeed) {
        return new Sampling(temperature, topK, topP, minP, repetitionPenalty, presencePenalty, frequencyPenalty, logitBias, newSeed);
    }

    /** The scheduler's form of these settings. */
    SamplingParams engineParams() {
        return new SamplingParams(temperature, topK, topP, minP, repetitionPenalty, presencePenalty, frequencyPenalty, logitBias, seed);
    }
}
