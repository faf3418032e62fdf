package dev.nemotron4j.train.rl;

import dev.nemotron4j.engine.kernels.WorkerPool;
import dev.nemotron4j.engine.loading.ModelLoader;
import dev.nemotron4j.engine.model.NemotronHModel;
import dev.nemotron4j.train.model.TrainingModel;

/**
 * The engine model of the trainer's current parameters: its double master weights rounded to float32 in memory and
 * bound by the engine's own loader, so rollouts run the exact inference path the server runs (no file round trip).
 */
public final class PolicySnapshot {
    private PolicySnapshot() {}

    /** A new engine model of {@code model}'s parameters as they are now; closing it frees the copy. */
    public static NemotronHModel of(TrainingModel model, WorkerPool pool) {
        return ModelLoader.build(model.config(), new ParamTensorSource(model.params().values()), pool);
    }
}
