package dev.nemotron4j.engine.formats.safetensors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.engine.weights.ModelFormatException;
import dev.nemotron4j.engine.weights.TensorInfo;
import dev.nemotron4j.engine.weights.TensorSource;

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

    /** Opens the checkpoint in {@code directory} (or a single {@code .safetensors} file). */
    public static SafetensorsCheckpoint open(Path directory) {
        Arena arena = Arena.ofShared();
        try {
            if (Files.isRegularFile(directory)) {
                SafetensorsFile f = SafetensorsFile.open(directory, arena);
                return new SafetensorsCheckpoint(directory, arena, f.tensors());
            }
            Path index = directory.resolve(INDEX_FILE);
            if (Files.isRegularFile(index)) {
                return new SafetensorsCheckpoint(directory, arena, openSharded(directory, index, arena));
            }
            Path single = directory.resolve(SINGLE_FILE);
            if (!Files.isRegularFile(single)) {
                throw new ModelFormatException(directory + ": no " + SINGLE_FILE + " and no " + INDEX_FILE + " found");
            }
            return new SafetensorsCheckpoint(directory, arena, SafetensorsFile.open(single, arena).tensors());
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static Map<String, TensorInfo> openSharded(Path dir, Path index, Arena arena) {
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
            SafetensorsFile shard = shards.computeIfAbsent(fileName, f -> SafetensorsFile.open(shardPath, arena));
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
