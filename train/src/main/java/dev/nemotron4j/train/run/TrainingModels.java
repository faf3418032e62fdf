package dev.nemotron4j.train.run;

import dev.nemotron4j.train.model.ReferenceTrainingModel;
import dev.nemotron4j.train.model.TrainableModel;
import dev.nemotron4j.train.model.TrainingModel;
import dev.nemotron4j.train.model.fast.FastTrainingModel;

/** The {@link TrainingModel} implementation a config's {@code model.implementation} names, over the loaded parameters. */
final class TrainingModels {
    private TrainingModels() {}

    /** The model over {@code model}'s parameters (shared: they are the master copy the optimizer updates). */
    static TrainingModel create(TrainConfig config, TrainableModel model) {
        return switch (config.model().implementation()) {
            case REFERENCE -> new ReferenceTrainingModel(model);
            case FAST -> FastTrainingModel.create(model.config(), model.params(), config.threads());
        };
    }
}
