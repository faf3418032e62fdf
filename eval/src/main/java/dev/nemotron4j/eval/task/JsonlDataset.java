package dev.nemotron4j.eval.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.eval.json.CanonicalJson;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads a dataset file: JSON Lines (one object per line) or a single JSON array of objects. */
public final class JsonlDataset {
    private JsonlDataset() {}

    public static List<ObjectNode> read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dataset " + file, e);
        }
        List<ObjectNode> rows = new ArrayList<>();
        String trimmed = text.strip();
        if (trimmed.startsWith("[")) {
            for (JsonNode row : CanonicalJson.parse(trimmed)) rows.add(asObject(row, file, rows.size() + 1));
            return rows;
        }
        int lineNo = 0;
        for (String line : text.split("\n")) {
            lineNo++;
            if (line.isBlank()) continue;
            try {
                rows.add(asObject(CanonicalJson.parse(line), file, lineNo));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ":" + lineNo + ": " + e.getMessage(), e);
            }
        }
        return rows;
    }

    private static ObjectNode asObject(JsonNode row, Path file, int where) {
        if (!(row instanceof ObjectNode o)) throw new IllegalArgumentException(file + ":" + where + ": row is not a JSON object");
        return o;
    }
}
