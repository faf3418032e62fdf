package dev.nemotron4j.train.run;

import java.util.List;

/**
 * A training config as stages run in order, each starting from the previous stage's model (pretraining, then SFT,
 * then GRPO for the default model). A config without {@code stages:} is one unnamed stage, run straight into the
 * output directory.
 *
 * @param stages the stages in order (one unnamed stage, or named ones)
 * @param yaml   the merged settings, stages included (saved as {@code pipeline.yaml} for {@code --resume})
 */
public record TrainPipeline(List<Stage> stages, String yaml) {

    public TrainPipeline {
        stages = List.copyOf(stages);
        if (stages.isEmpty()) throw new IllegalArgumentException("a pipeline needs at least one stage");
    }

    /** @param name the stage's name, or null for the single stage of an unstaged config */
    public record Stage(String name, TrainConfig config) {}

    /** Every stage on {@code n} worker threads. */
    public TrainPipeline withThreads(int n) {
        return new TrainPipeline(stages.stream().map(s -> new Stage(s.name(), s.config().withThreads(n))).toList(), yaml);
    }

    /** Whether this is a plain single run (no {@code stages:}). */
    public boolean single() {
        return stages.size() == 1 && stages.getFirst().name() == null;
    }
}
