package dev.nemotron4j.train.tasks;

/**
 * A seeded task generator with exact verifiers. {@link #sample} is a pure function of the seed: the same seed gives
 * the same task on every machine, which is what keeps SFT data, RL prompts and the held-out evaluation set apart
 * ({@link DataSplit}) and training runs byte-identical.
 */
public interface Environment {

    /** The environment's name ({@code arithmetic}, {@code tool_use}, {@code instruction_following}). */
    String name();

    /** The task of a seed. */
    Task sample(long seed);

    /** A plain-text pretraining document made from the task of a seed (a worked problem written as prose). */
    String pretrainingText(long seed);

    /**
     * This environment with {@code percent}% of its place names invented ({@link InventedCity}): questions about
     * places no list holds, so that a model learns to copy a name rather than recall it. Environments without place
     * names return themselves; 0 is the environment as built in.
     */
    default Environment withInventedCities(int percent) {
        if (percent < 0 || percent > 100) throw new IllegalArgumentException("invented city percent must be 0..100, got " + percent);
        return this;
    }

    /**
     * This environment with its tool messages written in varied JSON spellings ({@code {"temp_c":21}},
     * {@code { "temp_c": 21 }}, pretty-printed…) instead of always {@code {"temp_c": 21}}: real tools format their
     * replies in many ways, and a model trained on one spelling misreads the others. Environments without tools
     * return themselves; false is the environment as built in.
     */
    default Environment withVariedToolResults(boolean varied) {
        return this;
    }

    /**
     * This environment with its invented place names built in {@code style} ({@link InventedCity.Style}); only
     * matters when {@link #withInventedCities} asks for some. Environments without place names return themselves.
     */
    default Environment withInventedCityStyle(InventedCity.Style style) {
        return this;
    }
}
