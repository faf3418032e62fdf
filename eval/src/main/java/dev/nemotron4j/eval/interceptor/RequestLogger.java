package dev.nemotron4j.eval.interceptor;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.eval.json.CanonicalJson;
import dev.nemotron4j.eval.target.GenerationResult;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Appends every request that reaches the target, with its response or error and latency, to a JSON Lines file. */
public final class RequestLogger implements Interceptor {
    private final Path file;

    public RequestLogger(Path file) {
        this.file = file;
    }

    @Override
    public String name() { return "logging"; }

    @Override
    public int version() { return 1; }

    @Override
    public GenerationResult intercept(Call call, Next next) {
        long start = System.nanoTime();
        ObjectNode line = CanonicalJson.MAPPER.createObjectNode();
        line.put("sample", call.sample().toString());
        line.set("request", CanonicalJson.MAPPER.valueToTree(call.request()));
        try {
            GenerationResult result = next.proceed(call);
            line.set("response", CanonicalJson.MAPPER.valueToTree(result));
            return result;
        } catch (RuntimeException e) {
            line.put("error", String.valueOf(e.getMessage()));
            throw e;
        } finally {
            line.put("millis", (System.nanoTime() - start) / 1_000_000);
            write(line.toString() + "\n");
        }
    }

    private synchronized void write(String text) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write request log " + file, e);
        }
    }
}
