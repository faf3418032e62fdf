package dev.nemotron4j.engine.sampling;

import java.util.Map;

/**
 * How the next token is chosen from logits. Temperature 0 means greedy (argmax). Penalties follow the
 * OpenAI/vLLM conventions: {@code repetitionPenalty} (multiplicative, over prompt and output tokens; 1 = off),
 * {@code presencePenalty} and {@code frequencyPenalty} (additive, over output tokens; 0 = off).
 *
 * @param topK      keep the k most likely tokens (0 = off)
 * @param topP      keep the smallest set whose probability reaches p (1 = off)
 * @param minP      drop tokens less likely than minP × the most likely one (0 = off)
 * @param logitBias added to the logits of the given token ids before anything else
 * @param seed      random seed; the same seed gives the same tokens
 */
public record SamplingParams(float temperature, int topK, float topP, float minP,
                             float repetitionPenalty, float presencePenalty, float frequencyPenalty,
                             Map<Integer, Float> logitBias, long seed) {

    public static final SamplingParams GREEDY = new SamplingParams(0f, 0, 1f, 0f, 1f, 0f, 0f, Map.of(), 0L);

    public SamplingParams {
        if (!(temperature >= 0) || Float.isInfinite(temperature)) throw new IllegalArgumentException("temperature must be >= 0, is " + temperature);
        if (topK < 0) throw new IllegalArgumentException("top_k must be >= 0, is " + topK);
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("top_p must be in (0, 1], is " + topP);
        if (!(minP >= 0 && minP <= 1)) throw new IllegalArgumentException("min_p must be in [0, 1], is " + minP);
        if (!(repetitionPenalty > 0) || Float.isInfinite(repetitionPenalty)) throw new IllegalArgumentException("repetition_penalty must be > 0, is " + repetitionPenalty);
        if (!(Math.abs(presencePenalty) <= 2)) throw new IllegalArgumentException("presence_penalty must be in [-2, 2], is " + presencePenalty);
        if (!(Math.abs(frequencyPenalty) <= 2)) throw new IllegalArgumentException("frequency_penalty must be in [-2, 2], is " + frequencyPenalty);
        logitBias = logitBias == null ? Map.of() : Map.copyOf(logitBias);
    }

    public boolean greedy() {
        return temperature == 0f;
    }

    public SamplingParams withSeed(long newSeed) {
        return new SamplingParams(temperature, topK, topP, minP, repetitionPenalty, presencePenalty, frequencyPenalty, logitBias, newSeed);
    }

    public SamplingParams withTemperature(float t) {
        return new SamplingParams(t, topK, topP, minP, repetitionPenalty, presencePenalty, frequencyPenalty, logitBias, seed);
    }
}
