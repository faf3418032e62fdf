package dev.nemotron4j.cli;

import dev.nemotron4j.engine.loading.ModelSource;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * {@code --model PATH} for the commands that fall back to the bundled default model ({@link DefaultModel}) when it
 * is not given: demo, chat, generate, serve.
 */
final class ModelOrDefaultOption {
    @Option(names = "--model", paramLabel = "PATH",
            description = ModelSource.DESCRIPTION + " Default: the bundled default model, " + DefaultModel.RELATIVE_PATH + ".")
    Path path;

    /** Whether the command runs the default model. */
    boolean isDefault() {
        return path == null;
    }

    /** The path given, or the default model's directory (quietly: the launcher's memory pre-pass asks too). */
    Path path() {
        return path != null ? path : DefaultModel.directory();
    }

    /** The path of the model to run; falling back to the default model says so on stderr (or fails saying how to get one). */
    Path toRun() {
        return path != null ? path : DefaultModel.announce(System.err);
    }

    /** The model to run, as {@link #toRun()} finds it. */
    ModelSource source() {
        return ModelSource.of(toRun());
    }
}
