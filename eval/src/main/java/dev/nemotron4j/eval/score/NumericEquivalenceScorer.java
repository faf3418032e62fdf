package dev.nemotron4j.eval.score;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron4j.eval.extract.Extraction;
import dev.nemotron4j.eval.extract.NumericValue;

import java.util.Optional;

/**
 * Numbers compared as numbers ({@code 1,000} = {@code 1000.0} = {@code $1000}; {@code 0.5} = {@code 1/2});
 * when either side is not numeric, falls back to whitespace- and case-insensitive text equality.
 */
public record NumericEquivalenceScorer() implements Scorer.Plain {

    @Override
    public String name() { return "numeric_equivalence"; }

    @Override
    public int version() { return 1; }

    @Override
    public double score(Extraction extracted, JsonNode expected) {
        if (!extracted.found()) return 0;
        String reference = expected.asText();
        Optional<NumericValue> got = NumericValue.parse(extracted.value());
        Optional<NumericValue> want = NumericValue.parse(reference);
        if (got.isPresent() && want.isPresent()) return got.get().equivalent(want.get()) ? 1 : 0;
        return ExactMatchScorer.normalise(extracted.value()).equals(ExactMatchScorer.normalise(reference)) ? 1 : 0;
    }
}
