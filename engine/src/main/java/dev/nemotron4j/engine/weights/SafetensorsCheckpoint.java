package dev.nemotron4j.engine.weights;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The safetensors weights of a Hugging Face model directory, loaded exactly as transformers does:
 * if {@code model.safetensors.index.json} exists its {@code weight_map} says which shard holds each
 * tensor; otherwise the single {@code model.safetensors} is used. Other {@code *.safetensors} files in the
 * directory (such as golden outputs) are never picked up.
 */
public final class SafetensorsCheckpoint implements TensorSource {

    public static final String INDEX_FILE = "model.safetensors.index.json";
    public static final String SINGLE_FILE = "model.safetensors";

    private final Path directory;
    private final Arena arena;
    private final Map<String, TensorInfo> tensors;

    private SafetensorsCheckpoint(Path directory, Arena arena, Map<String, TensorInfo> tensors) {
        this.directory = directory;
        this.arena = arena;
        this.tensors = tensors;
    }

    /**
     * Opens the checkpoint in {@code directory} (or a single {@code .safetensors} file), held as
     * {@link Residency#choose} decides for the size of all its files.
     */
    public static SafetensorsCheckpoint open(Path directory) {
        return open(directory, null);
    }

    /** As {@link #open(Path)} with the residency given ({@code null}: choose by size). */
    public static SafetensorsCheckpoint open(Path directory, Residency residency) {
        Arena arena = Arena.ofShared();
        try {
            if (Files.isRegularFile(directory)) {
                Residency r = residency != null ? residency : Residency.choose(Files.size(directory));
                SafetensorsFile f = SafetensorsFile.open(directory, arena, r);
                return new SafetensorsCheckpoint(directory, arena, f.tensors());
            }
            Path index = directory.resolve(INDEX_FILE);
            if (Files.isRegularFile(index)) {
                return new SafetensorsCheckpoint(directory, arena, openSharded(directory, index, arena, residency != null ? residency : Residency.choose(safetensorsBytes(directory))));
            }
            Path single = directory.resolve(SINGLE_FILE);
            if (!Files.isRegularFile(single)) {
                throw new ModelFormatException(directory + ": no " + SINGLE_FILE + " and no " + INDEX_FILE + " found");
            }
            Residency r = residency != null ? residency : Residency.choose(Files.size(single));
            return new SafetensorsCheckpoint(directory, arena, SafetensorsFile.open(single, arena, r).tensors());
        } catch (IOException e) {
            arena.close();
            throw new ModelFormatException(directory + ": cannot read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Total size of the directory's .safetensors files: one residency decision for the whole model. */
    private static long safetensorsBytes(Path dir) {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".safetensors")).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException e) {
            throw new ModelFormatException(dir + ": cannot list: " + e.getMessage(), e);
        }
    }

    private static Map<String, TensorInfo> openSharded(Path dir, Path index, Arena arena, Residency residency) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(index.toFile());
        } catch (JsonProcessingException e) {
            throw new ModelFormatException(index + ": malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ModelFormatException(index + ": cannot read: " + e.getMessage(), e);
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject()) throw new ModelFormatException(index + ": missing 'weight_map' object");
        Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String tensor = e.getKey();
            if (!e.getValue().isTextual()) throw new ModelFormatException(index + ": weight_map entry '" + tensor + "' is not a file name");
            String fileName = e.getValue().asText();
            Path shardPath = dir.resolve(fileName).normalize();
            if (!shardPath.startsWith(dir.normalize()) || fileName.isEmpty()) {
                throw new ModelFormatException(index + ": weight_map entry '" + tensor + "' points outside the model directory: " + fileName);
            }
            SafetensorsFile shard = shards.computeIfAbsent(fileName, f -> SafetensorsFile.open(shardPath, arena, residency));
            TensorInfo info = shard.tensors().get(tensor);
            if (info == null) {
                throw new ModelFormatException(shardPath + ": tensor '" + tensor + "' is listed in " + INDEX_FILE + " but missing from this shard");
            }
            tensors.put(tensor, info);
        }
        return tensors;
    }

    @Override
    public Optional<TensorInfo> find(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    @Override
    public Set<String> names() {
        return Collections.unmodifiableSet(tensors.keySet());
    }

    @Override
    public Path location() {
        return directory;
    }

    @Override
    public void close() {
        arena.close();
    }
}
