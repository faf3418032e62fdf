package dev.nemotron4j.eval.score;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron4j.eval.extract.Extraction;

import java.util.Locale;

/** Text equality after trimming, collapsing whitespace and ignoring case (also used for choice letters). */
public record ExactMatchScorer() implements Scorer.Plain {

    @Override
    public String name() { return "exact_match"; }

    @Override
    public int version() { return 1; }

    @Override
    public double score(Extraction extracted, JsonNode expected) {
        if (!extracted.found()) return 0;
        if (expected.isArray()) {
            for (JsonNode alternative : expected) {
                if (normalise(extracted.value()).equals(normalise(alternative.asText()))) return 1;
            }
            return 0;
        }
        return normalise(extracted.value()).equals(normalise(expected.asText())) ? 1 : 0;
    }

    static String normalise(String s) {
        return s.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }
}
