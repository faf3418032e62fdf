package dev.nemotron4j.train.tasks;

/**
 * How an environment's tasks differ from the built-in ones — the one place training ({@code data.*} keys) and
 * evaluation ({@code params.*}, recorded in each item's expected answer) say it.
 *
 * @param inventedCityPercent percent of weather questions about invented places ({@link Environment#withInventedCities})
 * @param cityStyle           how invented names are built ({@link Environment#withInventedCityStyle})
 * @param variedToolResults   tool messages in varied JSON spellings ({@link Environment#withVariedToolResults})
 */
public record TaskVariant(int inventedCityPercent, InventedCity.Style cityStyle, boolean variedToolResults) {

    /** The built-in environments. */
    public static final TaskVariant BUILT_IN = new TaskVariant(0, InventedCity.Style.SYLLABLES, false);

    public TaskVariant {
        if (inventedCityPercent < 0 || inventedCityPercent > 100) {
            throw new IllegalArgumentException("invented city percent must be 0..100, got " + inventedCityPercent);
        }
        if (cityStyle == null) throw new IllegalArgumentException("city style is required");
    }

    /** {@code environment} as this variant asks. */
    public Environment of(Environment environment) {
        return environment.withInventedCities(inventedCityPercent).withInventedCityStyle(cityStyle).withVariedToolResults(variedToolResults);
    }
}
