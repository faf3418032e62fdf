package dev.nemotron4j.train;

import java.nio.file.Path;
import java.util.List;

/** The public tiny fixtures (testdata/tiny, copied into the project). */
public final class Fixtures {
    private Fixtures() {}

    public static final List<String> ALL = List.of("tiny-a", "tiny-b", "tiny-c", "tiny-d", "small-k");

    public static Path dir(String name) {
        return Path.of("").toAbsolutePath().getParent().resolve("testdata/tiny").resolve(name);
    }
}
