package dev.nemotron4j.cli;

import dev.nemotron4j.engine.gguf.GgufModelLoader;
import dev.nemotron4j.engine.kernels.WorkerPool;
import dev.nemotron4j.engine.model.NemotronHModel;
import dev.nemotron4j.engine.weights.ModelFormatException;

import java.nio.file.Files;
import java.nio.file.Path;

/** Opens the model a {@code --model} option names: a Hugging Face directory or a GGUF file. */
final class ModelFiles {
    private ModelFiles() {}

    static NemotronHModel load(Path path) {
        if (!Files.exists(path)) throw new ModelFormatException(path + ": no such file or directory");
        if (Files.isDirectory(path)) return NemotronHModel.load(path);
        if (path.getFileName().toString().endsWith(".gguf")) return GgufModelLoader.load(path, WorkerPool.shared());
        throw new ModelFormatException(path + ": expected a Hugging Face model directory (config.json + *.safetensors) or a .gguf file");
    }
}
