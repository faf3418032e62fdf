package dev.nemotron4j.eval.extract;

/**
 * What an extractor found.
 *
 * @param value  the normalised answer, or null when nothing answer-like was found
 * @param method which rule matched ({@code boxed}, {@code hashes}, {@code answer_is}, {@code last_number},
 *               {@code answer_letter}, {@code tool_calls}, ... or {@code none})
 */
public record Extraction(String value, String method) {
    public static Extraction none() { return new Extraction(null, "none"); }

    public boolean found() { return value != null; }
}
