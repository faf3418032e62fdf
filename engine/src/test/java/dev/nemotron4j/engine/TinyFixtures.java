package dev.nemotron4j.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.engine.formats.safetensors.SafetensorsFile;
import dev.nemotron4j.engine.weights.TensorInfo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The tiny golden fixtures under {@code testdata/tiny} (format: testdata/tiny/README.md). */
public final class TinyFixtures {
    private TinyFixtures() {}

    public static final Path ROOT = locate();

    /** The ModelOpt FP8/NVFP4 fixtures (testdata/tiny-modelopt, format: its README.md), beside {@link #ROOT}. */
    public static final Path MODELOPT = ROOT.resolveSibling("tiny-modelopt");

    private static Path locate() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("testdata/tiny");
            if (Files.isDirectory(candidate)) return candidate;
        }
        throw new IllegalStateException("testdata/tiny not found above " + Path.of("").toAbsolutePath());
    }

    /** Names of every fixture model directory (those with a golden.json). */
    public static Stream<String> models() {
        try (Stream<Path> s = Files.list(ROOT)) {
            List<String> names = s.filter(p -> Files.isRegularFile(p.resolve("golden.json")))
                    .map(p -> p.getFileName().toString()).sorted().toList();
            return names.stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path dir(String model) {
        return ROOT.resolve(model);
    }

    /** golden.json plus the float32 tensors of golden.safetensors. */
    public record Golden(JsonNode json, SafetensorsFile tensors, Arena arena) implements AutoCloseable {
        public static Golden load(String model) {
            return load(dir(model));
        }

        /** The golden files of the fixture directory {@code dir}. */
        public static Golden load(Path dir) {
            try {
                JsonNode json = new ObjectMapper().readTree(dir.resolve("golden.json").toFile());
                Arena arena = Arena.ofShared();
                return new Golden(json, SafetensorsFile.open(dir.resolve("golden.safetensors"), arena), arena);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public float[] tensor(String name) {
            TensorInfo t = tensors.tensors().get(name);
            if (t == null) throw new IllegalArgumentException("no golden tensor " + name);
            return t.data().toArray(ValueLayout.JAVA_FLOAT.withOrder(ByteOrder.LITTLE_ENDIAN));
        }

        public long[] shape(String name) {
            return tensors.tensors().get(name).shape();
        }

        public double tolerance() {
            return json.path("tolerance").path("logits_max_abs").asDouble(5e-4);
        }

        @Override
        public void close() {
            arena.close();
        }
    }

    public static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = array.get(i).asInt();
        return out;
    }
}
