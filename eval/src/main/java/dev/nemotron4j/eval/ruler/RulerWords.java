package dev.nemotron4j.eval.ruler;

import java.util.SplittableRandom;

/**
 * The words RULER's generators draw. RULER takes needle keys ("adjective-noun") and common-words vocabularies from the
 * {@code wonderwords} lists and a large English word list that are not part of its repository; these are the
 * harness's own stand-ins of the same shape, so every task generates without downloads: needle keys from our
 * adjective and noun lists (2,632 pairs), and for common-words extraction a pronounceable made-up vocabulary large
 * enough for 1M-token lists (two syllables of 1,568, so about 2.4 million words).
 */
final class RulerWords {
    private RulerWords() {}

    private static final String[] ADJECTIVES = {"amber", "ancient", "bitter", "brave", "bright", "broad", "calm", "careful",
            "cheerful", "clever", "cloudy", "crisp", "crooked", "curious", "damp", "distant", "dusty", "eager", "early", "faint",
            "fancy", "fierce", "fragile", "gentle", "gloomy", "golden", "grumpy", "hollow", "humble", "icy", "jolly", "lively",
            "lonely", "loud", "lucky", "massive", "mellow", "narrow", "noisy", "odd", "pale", "patient", "polite", "proud",
            "quiet", "rapid", "rough", "rustic", "shiny", "silent", "silver", "sleepy", "slim", "smooth", "steady", "sturdy"};
    private static final String[] NOUNS = {"anchor", "apple", "arrow", "badger", "basket", "beacon", "blanket", "bottle",
            "bridge", "bucket", "cabin", "camera", "candle", "canyon", "carpet", "castle", "cellar", "chimney", "clock", "comet",
            "compass", "cottage", "crayon", "dragon", "drum", "engine", "falcon", "feather", "fiddle", "forest", "fountain",
            "garden", "glacier", "hammer", "harbor", "helmet", "island", "jacket", "kettle", "ladder", "lantern", "ledger",
            "lemon", "meadow", "mirror", "needle", "orchard"};

    private static final String[] ONSETS = {"b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v",
            "w", "z", "br", "cl", "dr", "fl", "gr", "pl", "st", "tr", "sh", "ch"};
    private static final String[] VOWELS = {"a", "e", "i", "o", "u", "ai", "ea", "oo"};
    private static final String[] CODAS = {"", "n", "r", "l", "s", "t", "m"};
    private static final int SYLLABLES = ONSETS.length * VOWELS.length * CODAS.length;

    /** A needle key of RULER's "words" kind: "adjective-noun". */
    static String adjectiveNoun(SplittableRandom random) {
        return ADJECTIVES[random.nextInt(ADJECTIVES.length)] + "-" + NOUNS[random.nextInt(NOUNS.length)];
    }

    /** The number of made-up words {@link #madeUp} can return. */
    static int madeUpCount() { return SYLLABLES * SYLLABLES; }

    /** Made-up word number {@code index} (0 ≤ index < {@link #madeUpCount}); two indices may spell the same word. */
    static String madeUp(int index) {
        return syllable(index / SYLLABLES) + syllable(index % SYLLABLES);
    }

    private static String syllable(int i) {
        int coda = i % CODAS.length, vowel = (i / CODAS.length) % VOWELS.length, onset = i / (CODAS.length * VOWELS.length);
        return ONSETS[onset] + VOWELS[vowel] + CODAS[coda];
    }

    /** A random word of {@code length} lower-case letters (RULER's coded words for frequent-words extraction). */
    static String coded(SplittableRandom random, int length) {
        char[] c = new char[length];
        for (int i = 0; i < length; i++) c[i] = (char) ('a' + random.nextInt(26));
        return new String(c);
    }

    /** A random name of {@code length} upper-case letters (variable tracking's variables). */
    static String upper(SplittableRandom random, int length) {
        char[] c = new char[length];
        for (int i = 0; i < length; i++) c[i] = (char) ('A' + random.nextInt(26));
        return new String(c);
    }
}
