package dev.nemotron4j.eval.judge;

import dev.nemotron4j.eval.json.CanonicalJson;
import dev.nemotron4j.eval.json.Sha256;
import dev.nemotron4j.eval.target.GenerationRequest;
import dev.nemotron4j.eval.target.GenerationResult;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The judge's answers on disk, keyed by a hash of the judge model, the full judge prompt (every turn), the sampling
 * parameters and the attempt number (a retry after an unparseable verdict is a different call). A re-run, a resume or a
 * second run sharing the directory finds every judgment here and never calls the judge again. Entries are written
 * atomically (temporary file, then rename): a killed run leaves no torn entry.
 */
public final class JudgeCache {
    private final Path dir;

    public JudgeCache(Path dir) {
        this.dir = dir;
    }

    /** The key of one judge call. */
    public static String key(String judgeModel, GenerationRequest request, int attempt) {
        Map<String, Object> key = new LinkedHashMap<>();
        key.put("judge_model", judgeModel);
        key.put("messages", request.messages());
        key.put("temperature", request.temperature());
        key.put("top_p", request.topP());
        key.put("max_tokens", request.maxTokens());
        key.put("seed", request.seed());
        key.put("attempt", attempt);
        return Sha256.ofCanonical(key);
    }

    public Optional<GenerationResult> get(String key) {
        Path file = file(key);
        if (!Files.exists(file)) return Optional.empty();
        try {
            return Optional.of(CanonicalJson.MAPPER.readValue(Files.readString(file), GenerationResult.class));
        } catch (IOException e) {
            return Optional.empty();   // unreadable entry: asked again and overwritten
        }
    }

    public void put(String key, GenerationResult result) {
        Path file = file(key);
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), ".entry", ".tmp");
            Files.writeString(tmp, CanonicalJson.canonical(result.withSplit(null)));
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write judge cache entry " + file, e);
        }
    }

    private Path file(String key) {
        return dir.resolve(key.substring(0, 2)).resolve(key + ".json");
    }
}
