package dev.nemotron4j.train.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.chat.ChatRequestReader;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads training examples from JSONL, one JSON object per line (blank lines skipped):
 * <ul>
 * <li>{@code {"text": "..."}} — a pretraining document ({@link Example.Text});</li>
 * <li>{@code {"messages": [...], "tools": [...], "chat_template_kwargs": {...}}} — a conversation in the OpenAI
 *     chat-completion shape, read by the chat module's {@link ChatRequestReader} (content parts, string or object
 *     tool-call arguments, {@code reasoning_content}); every assistant message is trained ({@link Example.Chat}).
 *     {@code chat_template_kwargs.truncate_history_thinking} (default true) decides how earlier turns render.</li>
 * </ul>
 * A bad line is an error naming the file and line.
 */
public final class JsonlExamples {

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private JsonlExamples() {
    }

    /** All examples of a file, in file order. */
    public static List<Example> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString(), null, "training data file not found");
        List<Example> out = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNumber = 0;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                if (line.isBlank()) continue;
                try {
                    out.add(parse(line));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(file + " line " + lineNumber + ": " + e.getMessage(), e);
                }
            }
        }
        return out;
    }

    /** One JSONL record. */
    public static Example parse(String line) {
        JsonNode record;
        try {
            record = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("bad JSON: " + e.getOriginalMessage(), e);
        }
        if (record == null || !record.isObject()) throw new IllegalArgumentException("expected a JSON object");
        if (record.has("messages")) return new Example.Chat(ChatRequestReader.read(record), 0);
        JsonNode text = record.get("text");
        if (text != null && text.isTextual()) return new Example.Text(text.textValue());
        throw new IllegalArgumentException("expected {\"text\": string} or {\"messages\": [...]}");
    }
}
