package dev.nemotron4j.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPInputStream;

/** Access to the shared test data under {@code ../testdata} (tests run in the module directory). */
final class Fixtures {

    static final Path TESTDATA = Path.of("..", "testdata");
    static final Path REFERENCE = TESTDATA.resolve("tokenizers");
    static final Path TINY = TESTDATA.resolve("tiny");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Tokenizer> LOADED = new ConcurrentHashMap<>();

    private Fixtures() {
    }

    /** The gzipped reference tokenizer {@code testdata/tokenizers/NAME/tokenizer.json.gz}, loaded once. */
    static Tokenizer reference(String name) {
        return LOADED.computeIfAbsent("ref:" + name, k -> {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(REFERENCE.resolve(name).resolve("tokenizer.json.gz")))) {
                return Tokenizer.fromJson(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** {@code testdata/tiny/NAME/tokenizer.json}, loaded once. */
    static Tokenizer tiny(String name) {
        return LOADED.computeIfAbsent("tiny:" + name, k -> {
            try {
                return Tokenizer.load(TINY.resolve(name).resolve("tokenizer.json"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    static List<JsonNode> jsonLines(Path file) {
        try {
            List<JsonNode> out = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                if (!line.isBlank()) {
                    out.add(JSON.readTree(line));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    /** A JSON-escaped rendering for failure messages, so invisible characters show. */
    static String show(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
