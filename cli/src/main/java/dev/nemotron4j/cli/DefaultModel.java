package dev.nemotron4j.cli;

import dev.nemotron4j.engine.loading.ModelSource;
import dev.nemotron4j.engine.model.ParameterCounts;

import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Locale;

/**
 * The model the project ships, {@code models/nemotron-h-mini} under the project root (issue #16,
 * docs/DEFAULT-MODEL.md): what {@code demo}, {@code chat}, {@code generate}, {@code serve} and {@code eval run} use
 * when {@code --model} is not given. The one place that knows where it is and what to say about it.
 */
final class DefaultModel {

    /** The default model's directory, relative to the project root. */
    static final String RELATIVE_PATH = "models/nemotron-h-mini";

    /** The command that makes it (docs/DEFAULT-MODEL.md). */
    static final String TRAIN_COMMAND = "./nemotron4j train --recipe default --out " + RELATIVE_PATH;

    /** The system property naming the project root; the launcher sets it ({@code -Dnemotron4j.home}). */
    static final String HOME_PROPERTY = "nemotron4j.home";

    private DefaultModel() {
    }

    /**
     * The project root: {@code -Dnemotron4j.home} when set (the launcher sets it); else the nearest directory holding
     * the launcher {@code nemotron4j}, searched upwards from where this code was loaded ({@code cli/target/...}),
     * then from the working directory; else the working directory.
     */
    static Path projectRoot() {
        String home = System.getProperty(HOME_PROPERTY);
        if (home != null && !home.isBlank()) return Path.of(home).toAbsolutePath().normalize();
        Path fromCode = launcherAbove(codeLocation());
        if (fromCode != null) return fromCode;
        Path cwd = Path.of("").toAbsolutePath();
        Path fromCwd = launcherAbove(cwd);
        return fromCwd != null ? fromCwd : cwd;
    }

    /** The default model's directory (it may not exist: {@link #require} says what to do then). */
    static Path directory() {
        return projectRoot().resolve(RELATIVE_PATH);
    }

    /** The default model's directory, or the error saying how to get one when it is missing. */
    static Path require() {
        Path dir = directory();
        if (!Files.isRegularFile(dir.resolve("config.json"))) {
            throw new IllegalArgumentException("no --model given and the default model is missing: " + dir
                    + " has no config.json; pass --model PATH, or train it with " + TRAIN_COMMAND);
        }
        return dir;
    }

    /** {@link #require}, and one line on {@code err} saying that the default model is used. */
    static Path announce(PrintStream err) {
        Path dir = require();
        err.println(notice(dir));
        err.flush();
        return dir;
    }

    /** The line a command prints when it falls back to the default model. */
    static String notice(Path dir) {
        long parameters = ParameterCounts.of(ModelSource.of(dir).config()).total();
        return String.format(Locale.ROOT, "nemotron4j: no --model given: using the default model %s (%.1f M parameters, "
                + "trained by ./nemotron4j train --recipe default)", RELATIVE_PATH, parameters / 1e6);
    }

    private static Path codeLocation() {
        try {
            CodeSource source = DefaultModel.class.getProtectionDomain().getCodeSource();
            return source == null || source.getLocation() == null ? null : Path.of(source.getLocation().toURI());
        } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
            return null;
        }
    }

    private static Path launcherAbove(Path start) {
        for (Path p = start == null ? null : start.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("nemotron4j")) && Files.isDirectory(p.resolve("cli"))) return p;
        }
        return null;
    }
}
