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
     * This environment as {@code variant} asks ({@link TaskVariant}: invented place names and their style, tool
     * messages in varied JSON spellings). Environments without place names or tools return themselves;
     * {@link TaskVariant#BUILT_IN} is the environment as built in.
     */
    default Environment with(TaskVariant variant) {
        return this;
    }
}
