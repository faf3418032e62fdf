package dev.nemotron4j.eval.target;

import dev.nemotron4j.eval.json.Sha256;

import java.util.Map;
import java.util.TreeMap;

/**
 * Who answered: enough to tell two targets apart in a lockfile. For endpoints this is the URL, served
 * model name and endpoint type; in-process targets add model-weights, tokenizer and chat-template hashes.
 *
 * @param kind       {@code endpoint} or {@code in-process}
 * @param attributes identity fields (sorted); values that are unknown are simply absent
 */
public record TargetIdentity(String kind, Map<String, String> attributes) {
    public TargetIdentity {
        attributes = Map.copyOf(new TreeMap<>(attributes));
    }

    /** Hash of the identity; part of response-cache keys and of the run fingerprint. */
    public String fingerprint() {
        return Sha256.ofCanonical(Map.of("kind", kind, "attributes", new TreeMap<>(attributes)));
    }
}
