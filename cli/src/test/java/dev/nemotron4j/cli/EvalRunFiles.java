package dev.nemotron4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** A finished {@code eval run}'s files as the CLI tests read them, and the command lines they build. */
final class EvalRunFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EvalRunFiles() {}

    /** {@code RUN/samples.jsonl}, one node a sample, in item order (repeats of an item in the file's order). */
    static List<JsonNode> samples(Path run) {
        List<JsonNode> out = new ArrayList<>();
        for (String line : lines(run.resolve("samples.jsonl"))) if (!line.isBlank()) out.add(parse(line));
        out.sort(Comparator.comparingInt(s -> s.path("item_index").asInt()));
        return out;
    }

    /** {@code RUN/results.json}. */
    static JsonNode results(Path run) {
        try {
            return JSON.readTree(run.resolve("results.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The arguments of several parts of a command line, in order. */
    static String[] concat(String[]... parts) {
        return Arrays.stream(parts).flatMap(Arrays::stream).toArray(String[]::new);
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
