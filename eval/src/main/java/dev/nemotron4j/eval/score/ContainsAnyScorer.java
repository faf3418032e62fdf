package dev.nemotron4j.eval.score;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron4j.eval.extract.Extraction;

import java.util.Locale;

/**
 * 1 when any reference string occurs in the answer, case-insensitively, else 0: RULER's {@code string_match_part},
 * its QA metric (a question has several acceptable answers; one suffices).
 */
public record ContainsAnyScorer() implements Scorer.Plain {

    @Override
    public String name() { return "contains_any"; }

    @Override
    public int version() { return 1; }

    @Override
    public double score(Extraction extracted, JsonNode expected) {
        if (!extracted.found()) return 0;
        String answer = extracted.value().toLowerCase(Locale.ROOT);
        if (!expected.isArray()) return answer.contains(expected.asText().toLowerCase(Locale.ROOT)) ? 1 : 0;
        for (JsonNode e : expected) if (answer.contains(e.asText().toLowerCase(Locale.ROOT))) return 1;
        return 0;
    }
}
