package dev.nemotron4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron4j.runtime.GenerationSettings;
import dev.nemotron4j.runtime.Sampling;

import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The generation fields shared by {@code /v1/chat/completions} and {@code /v1/completions}: sampling
 * ({@code temperature}, {@code top_p}, {@code top_k}, {@code min_p}, {@code repetition_penalty},
 * {@code presence_penalty}, {@code frequency_penalty}, {@code logit_bias}, {@code seed}), limits and stops
 * ({@code max_tokens}/{@code max_completion_tokens}, {@code stop}, {@code ignore_eos}) and {@code n}.
 *
 * @param sampling  the sampling parameters, stop strings and {@code ignore_eos} (seed drawn at random when the request
 *                  gave none; no token limit yet)
 * @param seeded    whether the request gave a seed
 * @param maxTokens requested output limit, or null for "up to the context"
 * @param n         how many choices
 */
public record SamplingRequest(GenerationSettings sampling, boolean seeded, Integer maxTokens, int n) {
    /** Most choices per request: each one takes a batch slot. */
    public static final int MAX_N = 16;

    /** Reads and validates the fields. */
    public static SamplingRequest read(RequestReader r, int vocabSize, double defaultTemperature) {
        return read(r, vocabSize, defaultTemperature, 1);
    }

    /**
     * As {@link #read(RequestReader, int, double)}, with the smallest accepted {@code max_tokens}: 0 lets a
     * completions request with {@code echo} only score its prompt (log-likelihood).
     */
    public static SamplingRequest read(RequestReader r, int vocabSize, double defaultTemperature, int minMaxTokens) {
        float temperature = (float) r.number("temperature", 0, 2).orElse(defaultTemperature);
        float topP = (float) r.number("top_p", 0, 1).orElse(1);
        if (topP <= 0) throw ApiError.badRequest("'top_p' must be greater than 0, got " + topP, "top_p");
        int topK = r.integer("top_k", -1, Integer.MAX_VALUE).orElse(0);
        float minP = (float) r.number("min_p", 0, 1).orElse(0);
        float repetition = (float) r.number("repetition_penalty", 0, 10).orElse(1);
        if (repetition <= 0) throw ApiError.badRequest("'repetition_penalty' must be greater than 0", "repetition_penalty");
        float presence = (float) r.number("presence_penalty", -2, 2).orElse(0);
        float frequency = (float) r.number("frequency_penalty", -2, 2).orElse(0);
        Map<Integer, Float> bias = logitBias(r.node("logit_bias"), vocabSize);
        var seed = r.longInteger("seed");

        Integer maxTokens = null;
        for (String name : List.of("max_completion_tokens", "max_tokens")) {
            var v = r.integer(name, minMaxTokens, Integer.MAX_VALUE);
            if (v.isPresent()) {
                maxTokens = v.getAsInt();
                break;
            }
        }
        List<String> stop = r.stringOrStrings("stop", 16);
        if (stop.stream().anyMatch(String::isEmpty)) throw ApiError.badRequest("'stop' strings must not be empty", "stop");
        int n = r.integer("n", 1, MAX_N).orElse(1);
        Sampling sampling = new Sampling(temperature, Math.max(topK, 0), topP, minP, repetition, presence, frequency,
                bias, seed.orElseGet(() -> ThreadLocalRandom.current().nextLong()));
        // the token limit comes later, from maxTokens and the prompt's room in the context
        GenerationSettings settings = GenerationSettings.of(sampling, 0)
                .withStopStrings(stop).withIgnoreEos(r.bool("ignore_eos", false));
        return new SamplingRequest(settings, seed.isPresent(), maxTokens, n);
    }

    /** The settings of choice {@code i}: seeded requests give each choice its own derived seed. */
    public GenerationSettings settingsFor(int choice) {
        if (choice == 0) return sampling;
        return sampling.withSeed(seeded ? sampling.seed() + choice : ThreadLocalRandom.current().nextLong());
    }

    private static Map<Integer, Float> logitBias(JsonNode node, int vocabSize) {
        if (node == null) return Map.of();
        if (!node.isObject()) throw RequestReader.wrongType("logit_bias", "an object mapping token ids to biases", node);
        Map<Integer, Float> out = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            var e = it.next();
            int id;
            try {
                id = Integer.parseInt(e.getKey().strip());
            } catch (NumberFormatException ex) {
                throw ApiError.badRequest("'logit_bias' keys must be token ids, got \"" + e.getKey() + "\"", "logit_bias");
            }
            if (id < 0 || id >= vocabSize) {
                throw ApiError.badRequest("'logit_bias' token id " + id + " is outside the vocabulary [0, " + vocabSize + ")", "logit_bias");
            }
            if (!e.getValue().isNumber()) throw RequestReader.wrongType("logit_bias", "an object mapping token ids to numbers", node);
            double b = e.getValue().doubleValue();
            if (!(b >= -100 && b <= 100)) throw ApiError.badRequest("'logit_bias' values must be between -100 and 100, got " + b, "logit_bias");
            out.put(id, (float) b);
        }
        return out;
    }
}
