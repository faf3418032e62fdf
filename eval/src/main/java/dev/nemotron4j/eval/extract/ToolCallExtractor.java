package dev.nemotron4j.eval.extract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.nemotron4j.eval.json.CanonicalJson;
import dev.nemotron4j.eval.target.ToolCall;

import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tool calls as a canonical JSON array of {@code {"name": ..., "arguments": {...}}}. Uses the target's
 * structured tool calls; when a server left them in the text, parses {@code <tool_call>{...}</tool_call>}
 * blocks (last block list wins) or a bare JSON object with name and arguments.
 */
public record ToolCallExtractor() implements AnswerExtractor {

    private static final Pattern TAGGED = Pattern.compile("<tool_call>\\s*(.*?)\\s*</tool_call>", Pattern.DOTALL);

    @Override
    public String name() { return "tool_call"; }

    @Override
    public int version() { return 1; }

    @Override
    public Extraction extract(ModelAnswer answer, int choiceCount) {
        ArrayNode calls = JsonNodeFactory.instance.arrayNode();
        if (!answer.toolCalls().isEmpty()) {
            for (ToolCall call : answer.toolCalls()) {
                calls.addObject().put("name", call.name())
                        .set("arguments", call.arguments() == null ? JsonNodeFactory.instance.textNode(call.rawArguments()) : call.arguments());
            }
            return new Extraction(CanonicalJson.canonical(calls), "tool_calls");
        }
        Matcher m = TAGGED.matcher(answer.answerText());
        while (m.find()) addParsed(calls, m.group(1));
        if (!calls.isEmpty()) return new Extraction(CanonicalJson.canonical(calls), "tool_call_tags");
        String text = answer.answerText().strip();
        int start = text.indexOf('{'), end = text.lastIndexOf('}');
        if (start >= 0 && end > start) {
            addParsed(calls, text.substring(start, end + 1));
            if (!calls.isEmpty()) return new Extraction(CanonicalJson.canonical(calls), "json_in_text");
        }
        return Extraction.none();
    }

    private static void addParsed(ArrayNode calls, String json) {
        try {
            JsonNode node = CanonicalJson.MAPPER.readTree(json);
            JsonNode args = node.has("arguments") ? node.get("arguments") : node.path("parameters");
            if (args.isTextual()) args = CanonicalJson.MAPPER.readTree(args.asText());
            if (node.hasNonNull("name")) {
                calls.addObject().put("name", node.get("name").asText())
                        .set("arguments", args.isMissingNode() ? JsonNodeFactory.instance.objectNode() : args);
            }
        } catch (IOException e) {
            // not JSON: no call
        }
    }
}
