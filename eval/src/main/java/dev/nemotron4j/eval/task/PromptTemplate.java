package dev.nemotron4j.eval.task;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron4j.eval.target.ChatMessage;
import dev.nemotron4j.eval.target.ToolCall;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Chat turns with {@code {{field}}} placeholders filled from an item's fields. Two computed
 * placeholders exist for multiple choice: {@code {{choices}}} ("A. first\nB. second") and
 * {@code {{letters}}} ("A, B, C, D"). With a follow-up field, the turns an item holds there come after the template's
 * (an assistant turn with its tool calls and the tool's reply, to ask for the turn after a tool response).
 *
 * @param turns         the template's turns
 * @param followUpField the item field holding turns appended as they are ({@code [{"role", "content", "tool_calls":
 *                      [{"name", "arguments"}], "tool_call_id", "reasoning_content"}]}), or null for none
 */
public record PromptTemplate(List<ChatMessage> turns, String followUpField) {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([\\w.-]+)\\s*}}");

    public PromptTemplate {
        turns = List.copyOf(turns);
    }

    /** The template's turns alone. */
    public PromptTemplate(List<ChatMessage> turns) {
        this(turns, null);
    }

    /** These turns, then the turns each item holds in {@code field}. */
    public PromptTemplate withFollowUp(String field) {
        return new PromptTemplate(turns, field);
    }

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
        if (followUpField != null) out.addAll(followUp(item));
        return out;
    }

    private List<ChatMessage> followUp(EvalItem item) {
        JsonNode turns = item.fields().get(followUpField);
        if (turns == null || !turns.isArray()) {
            throw new IllegalArgumentException("item " + item.id() + " has no list of turns in '" + followUpField + "'");
        }
        List<ChatMessage> out = new ArrayList<>();
        for (JsonNode turn : turns) {
            List<ToolCall> calls = new ArrayList<>();
            for (JsonNode call : turn.path("tool_calls")) {
                JsonNode arguments = call.path("arguments");
                calls.add(new ToolCall(call.path("name").asText(), arguments, arguments.toString()));
            }
            JsonNode content = turn.path("content");
            JsonNode id = turn.path("tool_call_id");
            JsonNode reasoning = turn.path("reasoning_content");
            out.add(new ChatMessage(turn.path("role").asText(), content.isTextual() ? content.asText() : null, calls,
                    id.isTextual() ? id.asText() : null, reasoning.isTextual() ? reasoning.asText() : null));
        }
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
