package dev.nemotron4j.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The repository's {@code testdata} folder (fixtures committed with the code; testdata/README.md), found from the
 * working directory upwards, so that a test finds it whether it runs in its module's folder (Maven) or at the root.
 */
public final class TestData {
    private TestData() {
    }

    /** The repository's root: the nearest folder at or above the working directory that holds {@code testdata/tiny}. */
    public static Path repositoryRoot() {
        Path start = Path.of("").toAbsolutePath();
        for (Path p = start; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("testdata/tiny"))) return p;
        }
        throw new IllegalStateException("testdata/tiny not found at or above " + start);
    }

    /** The {@code testdata} folder. */
    public static Path dir() {
        return repositoryRoot().resolve("testdata");
    }

    /** A path inside the {@code testdata} folder, e.g. {@code path("tokenizers/llama3/tokenizer.json.gz")}. */
    public static Path path(String relative) {
        return dir().resolve(relative);
    }

    /** A tiny golden model directory, e.g. {@code tiny("tiny-a")} (testdata/tiny/README.md). */
    public static Path tiny(String name) {
        return path("tiny").resolve(name);
    }
}
