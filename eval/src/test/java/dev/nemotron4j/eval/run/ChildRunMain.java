package dev.nemotron4j.eval.run;

import dev.nemotron4j.eval.config.ConfigLoader;

import java.nio.file.Path;
import java.util.List;

/** Entry point of the child JVM that {@link KillAndResumeTest} kills with SIGKILL: runs CONFIG into RUN_DIR. */
public final class ChildRunMain {
    public static void main(String[] args) {
        new EvalRunner(System.err).run(ConfigLoader.load(Path.of(args[0]), List.of()), Path.of(args[1]));
    }
}
