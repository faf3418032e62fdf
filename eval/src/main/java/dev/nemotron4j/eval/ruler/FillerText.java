package dev.nemotron4j.eval.ruler;

import java.util.SplittableRandom;

/**
 * The harness's own haystack prose: plain, grammatical, meaningless sentences assembled from small
 * word lists by a seeded generator, so contexts of any length exist without shipping a corpus.
 */
final class FillerText {
    private static final String[] ADJECTIVES = {"quiet", "amber", "distant", "narrow", "gentle", "hollow", "bright",
            "patient", "woven", "silver", "early", "crooked", "steady", "pale", "warm", "ancient", "open", "small"};
    private static final String[] NOUNS = {"river", "lantern", "orchard", "ledger", "harbor", "window", "meadow",
            "bridge", "kettle", "compass", "garden", "library", "valley", "workshop", "market", "tower", "engine", "letter"};
    private static final String[] VERBS = {"follows", "outlasts", "mirrors", "shelters", "crosses", "remembers",
            "measures", "carries", "waits beside", "leans toward", "looks over", "returns to"};
    private static final String[] CLOSINGS = {"before the evening bell", "while the tide turns", "in the old story",
            "without a sound", "as the season changes", "for another year", "under a grey sky", "at the edge of town"};

    private FillerText() {}

    static String sentence(SplittableRandom random) {
        return capitalise("the " + pick(ADJECTIVES, random) + " " + pick(NOUNS, random) + " " + pick(VERBS, random)
                + " the " + pick(ADJECTIVES, random) + " " + pick(NOUNS, random) + " " + pick(CLOSINGS, random) + ".");
    }

    static String word(SplittableRandom random) {
        return pick(ADJECTIVES, random) + pick(NOUNS, random);
    }

    private static String pick(String[] words, SplittableRandom random) {
        return words[random.nextInt(words.length)];
    }

    private static String capitalise(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
