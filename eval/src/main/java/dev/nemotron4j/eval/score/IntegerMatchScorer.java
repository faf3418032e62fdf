package dev.nemotron4j.eval.score;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron4j.eval.extract.Extraction;

import java.math.BigInteger;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Exact integer match (AIME): the extracted answer must be written as a whole number — digits, optionally with a sign
 * and leading zeros ({@code 007} = {@code 7}) — and equal the reference. Anything else ({@code 7.0}, {@code 7/1},
 * {@code x = 7}) is wrong: the task asks for the integer and only the integer.
 */
public record IntegerMatchScorer() implements Scorer.Plain {
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");

    @Override
    public String name() { return "integer_match"; }

    @Override
    public int version() { return 1; }

    @Override
    public double score(Extraction extracted, JsonNode expected) {
        if (!extracted.found()) return 0;
        Optional<BigInteger> got = parse(extracted.value());
        Optional<BigInteger> want = parse(expected.asText());
        return got.isPresent() && got.equals(want) ? 1 : 0;
    }

    /** The integer a text writes, if it writes exactly one whole number (surrounding spaces allowed). */
    public static Optional<BigInteger> parse(String text) {
        String s = text.strip();
        return INTEGER.matcher(s).matches() ? Optional.of(new BigInteger(s.startsWith("+") ? s.substring(1) : s)) : Optional.empty();
    }
}
