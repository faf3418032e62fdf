package dev.nemotron4j.eval.task;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron4j.eval.target.ChatMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Chat turns with {@code {{field}}} placeholders filled from an item's fields. Two computed
 * placeholders exist for multiple choice: {@code {{choices}}} ("A. first\nB. second") and
 * {@code {{letters}}} ("A, B, C, D").
 */
public record PromptTemplate(List<ChatMessage> turns) {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([\\w.-]+)\\s*}}");

    /** A single user turn. */
    public static PromptTemplate ofUser(String text) { return new PromptTemplate(List.of(ChatMessage.user(text))); }

    /** From YAML: a string (one user turn) or a list of {role, content}. */
    public static PromptTemplate fromConfig(JsonNode node) {
        if (node.isTextual()) return ofUser(node.asText());
        List<ChatMessage> turns = new ArrayList<>();
        for (JsonNode turn : node) turns.add(ChatMessage.of(turn.path("role").asText("user"), turn.path("content").asText()));
        if (turns.isEmpty()) throw new IllegalArgumentException("prompt template has no turns");
        return new PromptTemplate(turns);
    }

    public List<ChatMessage> render(EvalItem item, String choicesField) {
        List<ChatMessage> out = new ArrayList<>();
        for (ChatMessage t : turns) out.add(ChatMessage.of(t.role(), fill(t.content(), item, choicesField)));
        return out;
    }

    private static String fill(String template, EvalItem item, String choicesField) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            m.appendReplacement(sb, Matcher.quoteReplacement(value(name, item, choicesField)));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static String value(String name, EvalItem item, String choicesField) {
        JsonNode choices = choicesField == null ? null : item.fields().get(choicesField);
        if (name.equals("choices") && choices != null && choices.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < choices.size(); i++) {
                if (i > 0) sb.append('\n');
                sb.append((char) ('A' + i)).append(". ").append(choices.get(i).asText());
            }
            return sb.toString();
        }
        if (name.equals("letters")) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < Math.max(item.choiceCount(), 1); i++) sb.append(i > 0 ? ", " : "").append((char) ('A' + i));
            return sb.toString();
        }
        JsonNode v = item.fields().get(name);
        if (v == null) throw new IllegalArgumentException("prompt placeholder {{" + name + "}} has no field in item " + item.id());
        return v.isTextual() ? v.asText() : v.toString();
    }
}
