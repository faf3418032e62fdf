package dev.nemotron4j.eval.judge;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One of Arena-Hard's verdict labels and what it gives assistant A, as Arena-Hard's {@code show_result.py} scores it:
 * a win counts 1, a tie 0.5, a loss 0, and a strong verdict ({@code >>}) counts as {@value #STRONG_WEIGHT} battles.
 * The judge's five labels are {@code [[A>>B]]}, {@code [[A>B]]}, {@code [[A=B]]}, {@code [[B>A]]} and {@code [[B>>A]]};
 * the mirrored spellings Arena-Hard also accepts ({@code A<B}, {@code B<<A}, {@code B=A}, ...) mean the same.
 *
 * @param label       the label as the judge wrote it (upper case)
 * @param scoresForA  A's outcome in each battle the verdict counts for
 */
public record Verdict(String label, List<Double> scoresForA) {
    /** How many battles a strong verdict counts for (Arena-Hard's {@code weight=3}). */
    public static final int STRONG_WEIGHT = 3;
    private static final Pattern PATTERN = Pattern.compile(ArenaHardPrompts.verdictPattern());
    private static final Map<String, List<Double>> SCORES = Map.ofEntries(
            Map.entry("A>>B", strong(1.0)), Map.entry("A>B", List.of(1.0)), Map.entry("A=B", List.of(0.5)),
            Map.entry("A<B", List.of(0.0)), Map.entry("A<<B", strong(0.0)),
            Map.entry("B>>A", strong(0.0)), Map.entry("B>A", List.of(0.0)), Map.entry("B=A", List.of(0.5)),
            Map.entry("B<A", List.of(1.0)), Map.entry("B<<A", strong(1.0)));

    /** A known label ({@code A>B}, {@code [[B>>A]]}, any case), or empty. */
    public static Optional<Verdict> of(String label) {
        String l = label.strip().toUpperCase(Locale.ROOT);
        if (l.startsWith("[[") && l.endsWith("]]")) l = l.substring(2, l.length() - 2);
        List<Double> scores = SCORES.get(l);
        return scores == null ? Optional.empty() : Optional.of(new Verdict(l, scores));
    }

    /**
     * The verdict of a judgment as Arena-Hard reads it: the <em>last</em> {@code [[...]]} label of the upper-cased text.
     * Empty when there is none, or when the last one is no label Arena-Hard scores (such as {@code [[C]]} or
     * {@code [[A>B>C]]}): an unparseable judgment, never guessed at.
     */
    public static Optional<Verdict> parse(String judgment) {
        if (judgment == null) return Optional.empty();
        Matcher m = PATTERN.matcher(judgment.toUpperCase(Locale.ROOT));
        String last = null;
        while (m.find()) if (!m.group(1).isEmpty()) last = m.group(1);
        return last == null ? Optional.empty() : of(last);
    }

    /** B's outcome in each battle: 1 − A's. */
    public List<Double> scoresForB() {
        return scoresForA.stream().map(s -> 1 - s).toList();
    }

    private static List<Double> strong(double score) {
        return java.util.Collections.nCopies(STRONG_WEIGHT, score);
    }
}
