package dev.nemotron4j.engine.gguf;

import dev.nemotron4j.engine.kernels.WorkerPool;
import dev.nemotron4j.engine.model.ModelConfig;
import dev.nemotron4j.engine.model.ModelLoader;
import dev.nemotron4j.engine.model.NemotronHModel;

import java.nio.file.Path;

/** Loads a {@link NemotronHModel} from a GGUF file: config from metadata, tensors through {@link GgufCheckpoint}. */
public final class GgufModelLoader {
    private GgufModelLoader() {}

    public static NemotronHModel load(Path file, WorkerPool pool) {
        GgufCheckpoint checkpoint = GgufCheckpoint.open(file);
        try {
            ModelConfig config = GgufConfig.of(checkpoint.file());
            return ModelLoader.build(config, checkpoint, pool);
        } catch (RuntimeException e) {
            checkpoint.close();
            throw e;
        }
    }

    public static NemotronHModel load(Path file) {
        return load(file, WorkerPool.shared());
    }
}
