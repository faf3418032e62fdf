package dev.nemotron4j.eval.ruler;

/** The RULER-style synthetic long-context tasks the harness generates. */
public enum RulerVariant {
    /** One needle ("special magic number for KEY") in the haystack; retrieve its value. */
    NIAH_SINGLE,
    /** One real needle among distractor needles with other keys. */
    NIAH_MULTIKEY,
    /** Several values for the same key; all must be retrieved. */
    NIAH_MULTIVALUE,
    /** A chain of variable assignments spread over the haystack; list every variable bound to a value. */
    VARIABLE_TRACKING,
    /** A long word list; name the ten most frequent words. */
    COMMON_WORDS;

    public String key() { return name().toLowerCase(); }

    public static RulerVariant of(String key) { return valueOf(key.toUpperCase()); }
}
