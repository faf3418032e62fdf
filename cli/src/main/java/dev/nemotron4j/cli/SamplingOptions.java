package dev.nemotron4j.cli;

import dev.nemotron4j.engine.sampling.SamplingParams;
import dev.nemotron4j.runtime.Sampling;
import picocli.CommandLine.Option;

import java.util.HashMap;
import java.util.Map;

/** Sampling flags shared by {@code generate} and {@code chat}. Defaults follow NVIDIA's recommendation (T = 1, top-p = 1). */
final class SamplingOptions {
    @Option(names = "--temperature", defaultValue = "1.0", description = "Sampling temperature; 0 = greedy (default: ${DEFAULT-VALUE}).")
    float temperature;

    @Option(names = "--top-k", defaultValue = "0", description = "Keep the k most likely tokens; 0 = off.")
    int topK;

    @Option(names = "--top-p", defaultValue = "1.0", description = "Nucleus sampling threshold (default: ${DEFAULT-VALUE}).")
    float topP;

    @Option(names = "--min-p", defaultValue = "0.0", description = "Drop tokens below min-p x the top probability; 0 = off.")
    float minP;

    @Option(names = "--repetition-penalty", defaultValue = "1.0", description = "Multiplicative penalty on seen tokens; 1 = off.")
    float repetitionPenalty;

    @Option(names = "--presence-penalty", defaultValue = "0.0", description = "Additive penalty on generated tokens; 0 = off.")
    float presencePenalty;

    @Option(names = "--frequency-penalty", defaultValue = "0.0", description = "Additive penalty per occurrence; 0 = off.")
    float frequencyPenalty;

    @Option(names = "--logit-bias", split = ",", description = "Token biases, e.g. 11=-100,42=2.5.")
    Map<Integer, Float> logitBias = new HashMap<>();

    @Option(names = "--seed", description = "Random seed (default: random).")
    Long seed;

    /** The flags for text generation (a random seed unless {@code --seed}). */
    Sampling sampling() {
        return new Sampling(temperature, topK, topP, minP, repetitionPenalty, presencePenalty, frequencyPenalty, logitBias, seed());
    }

    /** The flags for the engine's own sampler (token ids in and out, no text). */
    SamplingParams params() {
        return new SamplingParams(temperature, topK, topP, minP, repetitionPenalty, presencePenalty, frequencyPenalty, logitBias, seed());
    }

    private long seed() {
        return seed != null ? seed : new java.security.SecureRandom().nextLong();
    }
}
