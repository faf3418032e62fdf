package dev.nemotron4j.eval.score;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron4j.eval.extract.Extraction;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Fraction of the reference strings that occur in the answer, case-insensitively (RULER's
 * "all values must be recalled" metric: 3 of 4 needles found scores 0.75).
 */
public record ContainsAllScorer() implements Scorer.Plain {

    @Override
    public String name() { return "contains_all"; }

    @Override
    public int version() { return 1; }

    @Override
    public double score(Extraction extracted, JsonNode expected) {
        List<String> wanted = new ArrayList<>();
        if (expected.isArray()) expected.forEach(e -> wanted.add(e.asText()));
        else wanted.add(expected.asText());
        if (wanted.isEmpty()) return 1;
        if (!extracted.found()) return 0;
        String answer = extracted.value().toLowerCase(Locale.ROOT);
        long hits = wanted.stream().filter(w -> answer.contains(w.toLowerCase(Locale.ROOT))).count();
        return (double) hits / wanted.size();
    }
}
