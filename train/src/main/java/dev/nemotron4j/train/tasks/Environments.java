package dev.nemotron4j.train.tasks;

import java.util.ArrayList;
import java.util.List;

/** The built-in environments and the seeded streams drawn from them. */
public final class Environments {

    /** Arithmetic, tool use, instruction following: in this order, which the streams below cycle through. */
    public static final List<Environment> ALL = List.of(new ArithmeticEnvironment(), new ToolUseEnvironment(),
            new InstructionFollowingEnvironment());

    private Environments() {
    }

    /** The environment called {@code name}. */
    public static Environment byName(String name) {
        for (Environment environment : ALL) if (environment.name().equals(name)) return environment;
        throw new IllegalArgumentException("unknown environment '" + name + "' (built-in: "
                + String.join(", ", ALL.stream().map(Environment::name).toList()) + ")");
    }

    /** The {@code index}-th task of an environment in a split: its seed is {@code split.seed(index)}. */
    public static Task task(Environment environment, DataSplit split, long index) {
        return environment.sample(split.seed(index));
    }

    /** The first {@code count} tasks of the held-out evaluation range. */
    public static List<Task> evaluationSet(Environment environment, int count) {
        List<Task> tasks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) tasks.add(task(environment, DataSplit.EVAL, i));
        return tasks;
    }

    /**
     * The {@code index}-th task of a mixed stream over all environments (RL prompts): environments in turn,
     * each with the split's seeds in order.
     */
    public static Task mixedTask(DataSplit split, long index) {
        return task(ALL.get((int) (index % ALL.size())), split, index / ALL.size());
    }

    /** The {@code index}-th synthetic pretraining document (environments in turn, pretraining seeds in order). */
    public static String pretrainingDocument(long index) {
        Environment environment = ALL.get((int) (index % ALL.size()));
        return environment.pretrainingText(DataSplit.PRETRAINING.seed(index / ALL.size()));
    }
}
