package dev.nemotron4j.eval.interceptor;

import dev.nemotron4j.eval.json.CanonicalJson;
import dev.nemotron4j.eval.json.Sha256;
import dev.nemotron4j.eval.target.GenerationResult;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * On-disk response cache. The key is the hash of the <em>full</em> request (messages, every sampling
 * parameter, per-sample seed, tools, payload edits), the repeat index and the target's fingerprint,
 * so repeats never collapse into one answer and changing any setting misses the cache.
 * Entries are written atomically (temp file + rename): a crash never leaves a torn entry.
 */
public final class ResponseCache implements Interceptor {
    private final Path dir;
    private final String targetFingerprint;
    private final AtomicLong hits = new AtomicLong(), misses = new AtomicLong();

    public ResponseCache(Path dir, String targetFingerprint) {
        this.dir = dir;
        this.targetFingerprint = targetFingerprint;
    }

    @Override
    public String name() { return "cache"; }

    @Override
    public int version() { return 1; }

    public long hits() { return hits.get(); }

    public long misses() { return misses.get(); }

    /** The cache key of a call. */
    public String key(Call call) {
        return Sha256.ofCanonical(Map.of(
                "request", call.request(),
                "repeat", call.sample().repeat(),
                "target", targetFingerprint));
    }

    @Override
    public GenerationResult intercept(Call call, Next next) {
        String key = key(call);
        Path file = dir.resolve(key.substring(0, 2)).resolve(key + ".json");
        if (Files.exists(file)) {
            try {
                GenerationResult cached = CanonicalJson.MAPPER.readValue(Files.readString(file), GenerationResult.class);
                hits.incrementAndGet();
                return cached;
            } catch (IOException e) {
                // unreadable entry: treat as a miss and overwrite it
            }
        }
        misses.incrementAndGet();
        GenerationResult result = next.proceed(call);
        store(file, result.withSplit(null));
        return result;
    }

    private static void store(Path file, GenerationResult result) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), ".entry", ".tmp");
            Files.writeString(tmp, CanonicalJson.canonical(result));
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write cache entry " + file, e);
        }
    }
}
