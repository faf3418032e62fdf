package dev.nemotron4j.cli;

import dev.nemotron4j.engine.loading.ModelSource;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * {@code --model PATH}, shared by every command that reads a model: one help text ({@link ModelSource#DESCRIPTION}),
 * and one decision of what the path is ({@link ModelSource#of}), with one error for a path that is neither.
 */
final class ModelOption {
    @Option(names = "--model", required = true, paramLabel = "PATH", description = ModelSource.DESCRIPTION)
    Path path;

    /** The model the path names. */
    ModelSource source() {
        return ModelSource.of(path);
    }
}
