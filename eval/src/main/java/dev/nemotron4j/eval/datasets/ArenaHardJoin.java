package dev.nemotron4j.eval.datasets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.eval.json.CanonicalJson;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Arena-Hard-Auto's questions joined with the baseline's answers, as its {@code gen_judgment.py} pairs them: each
 * question ({@code uid}, {@code category}, {@code prompt}) takes the answer of its category's baseline model
 * ({@code JUDGE_SETTINGS[category]["baseline"]}: o3-mini-2025-01-31 for hard prompts, gemini-2.0-flash-001 for creative
 * writing in v2.0), read from that model's answer file ({@code model_answer/MODEL.jsonl}: {@code uid} and
 * {@code messages}, the assistant's turn holding {@code {"answer": ...}} or plain text). The rows are the question's
 * fields plus {@code baseline} (the answer text) and {@code baseline_model}: what the {@code arena_hard} task reads.
 */
final class ArenaHardJoin {
    private ArenaHardJoin() {}

    /**
     * @param questions  the question file (JSONL)
     * @param answers    answer files by model name
     * @param baselines  category → the model whose answers are its baseline
     */
    static List<ObjectNode> rows(Path questions, Map<String, Path> answers, Map<String, String> baselines) {
        Map<String, Map<String, String>> byModel = new HashMap<>();
        List<ObjectNode> out = new ArrayList<>();
        int line = 0;
        for (String l : lines(questions)) {
            line++;
            if (l.isBlank()) continue;
            JsonNode q = CanonicalJson.parse(l);
            String uid = q.path("uid").asText(null), category = q.path("category").asText(null);
            if (uid == null || category == null || !q.path("prompt").isTextual()) {
                throw new IllegalArgumentException("question line " + line + " lacks uid, category or prompt");
            }
            String model = baselines.get(category);
            if (model == null) {
                throw new IllegalArgumentException("question " + uid + " has category '" + category + "', which has no baseline (the entry's params: "
                        + String.join(", ", baselines.keySet()) + ")");
            }
            Path file = answers.get(model);
            if (file == null) throw new IllegalArgumentException("the baseline " + model + " of category " + category + " has no answer file among the downloads");
            String answer = byModel.computeIfAbsent(model, m -> answersOf(file, m)).get(uid);
            if (answer == null) throw new IllegalArgumentException("question " + uid + " (" + category + ") has no answer by its baseline " + model);
            ObjectNode row = ((ObjectNode) q).deepCopy();
            row.put("baseline", answer);
            row.put("baseline_model", model);
            out.add(row);
        }
        return out;
    }

    /** uid → the answer text of one model's answer file (the last assistant turn). */
    private static Map<String, String> answersOf(Path file, String model) {
        Map<String, String> out = new HashMap<>();
        int line = 0;
        for (String l : lines(file)) {
            line++;
            if (l.isBlank()) continue;
            JsonNode row = CanonicalJson.parse(l);
            String text = null;
            for (JsonNode m : row.path("messages")) {
                if (!"assistant".equals(m.path("role").asText())) continue;
                JsonNode content = m.path("content");
                text = content.isTextual() ? content.asText() : content.path("answer").isTextual() ? content.path("answer").asText() : null;
            }
            if (text == null || !row.path("uid").isTextual()) {
                throw new IllegalArgumentException(model + "'s answers, line " + line + ": no uid or no assistant answer");
            }
            out.put(row.path("uid").asText(), text);
        }
        return out;
    }

    private static List<String> lines(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            if (text.startsWith("\uFEFF")) text = text.substring(1);
            return List.of(text.split("\n"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
