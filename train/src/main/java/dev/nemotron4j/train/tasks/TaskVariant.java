package dev.nemotron4j.train.tasks;

/**
 * How an environment's tasks differ from the built-in ones — the one place training ({@code data.*} keys) and
 * evaluation ({@code params.*}, recorded in each item's expected answer) say it ({@link Environment#with}).
 *
 * @param inventedCityPercent percent of weather questions about invented places ({@link InventedCity}): places no
 *                            list holds, so that a model learns to copy a name rather than recall it
 * @param cityStyle           how invented names are built
 * @param letterGroups        the letter groups {@link InventedCity.Style#PIECES} names are made of (a tokenizer's,
 *                            {@link InventedCity.LetterGroups#of}); {@link InventedCity.LetterGroups#NONE} otherwise
 * @param variedToolResults   tool messages in varied JSON spellings ({@code {"temp_c":21}}, pretty-printed…) instead of
 *                            always {@code {"temp_c": 21}}: real tools format their replies in many ways
 */
public record TaskVariant(int inventedCityPercent, InventedCity.Style cityStyle, InventedCity.LetterGroups letterGroups,
                          boolean variedToolResults) {

    /** The built-in environments. */
    public static final TaskVariant BUILT_IN = new TaskVariant(0, InventedCity.Style.SYLLABLES, false);

    public TaskVariant {
        if (inventedCityPercent < 0 || inventedCityPercent > 100) {
            throw new IllegalArgumentException("invented city percent must be 0..100, got " + inventedCityPercent);
        }
        if (cityStyle == null) throw new IllegalArgumentException("city style is required");
        if (letterGroups == null) throw new IllegalArgumentException("letter groups are required (LetterGroups.NONE when not used)");
        if (cityStyle == InventedCity.Style.PIECES && letterGroups.isEmpty()) {
            throw new IllegalArgumentException("invented city style pieces needs letter groups (a tokenizer's); none given");
        }
    }

    /** A variant whose names need no letter groups (every style but {@link InventedCity.Style#PIECES}). */
    public TaskVariant(int inventedCityPercent, InventedCity.Style cityStyle, boolean variedToolResults) {
        this(inventedCityPercent, cityStyle, InventedCity.LetterGroups.NONE, variedToolResults);
    }

    /** {@code environment} as this variant asks. */
    public Environment of(Environment environment) {
        return environment.with(this);
    }

    /** The next invented name of this variant's style. */
    String inventedCity(SeededRandom random) {
        return InventedCity.next(random, cityStyle, letterGroups);
    }
}
