package dev.nemotron4j.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.chat.python.PythonText;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the OpenAI chat-completion shape into a {@link ChatRequest}: {@code messages}, {@code tools},
 * {@code chat_template_kwargs} ({@code enable_thinking}, {@code truncate_history_thinking}) and
 * {@code add_generation_prompt} (default true, as for a chat completion). The chat fixtures
 * ({@code testdata/chat/*.input.json}) use the same shape.
 *
 * <p>Normalisations done here, as vLLM does them before rendering: text content parts are joined with {@code "\n"};
 * {@code function.arguments} given as a JSON string is parsed into an object; {@code reasoning} is accepted for
 * {@code reasoning_content}. Kwarg values follow Python truthiness, as the template tests them.
 */
public final class ChatRequestReader {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private ChatRequestReader() {
    }

    /** Reads a request file (UTF-8 JSON). */
    public static ChatRequest read(Path file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        return read(root);
    }

    /** Reads a request from parsed JSON. */
    public static ChatRequest read(JsonNode root) {
        if (root == null || !root.isObject()) throw new IllegalArgumentException("a chat request must be a JSON object");
        JsonNode messagesJson = root.path("messages");
        if (!messagesJson.isArray() || messagesJson.isEmpty()) {
            throw new IllegalArgumentException("a chat request needs a non-empty \"messages\" array");
        }
        List<ChatMessage> messages = new ArrayList<>();
        for (int i = 0; i < messagesJson.size(); i++) messages.add(message(messagesJson.get(i), i));

        List<ToolDefinition> tools = new ArrayList<>();
        JsonNode toolsJson = root.path("tools");
        if (toolsJson.isArray()) {
            for (JsonNode tool : toolsJson) tools.add(new ToolDefinition(tool));
        } else if (!toolsJson.isMissingNode() && !toolsJson.isNull()) {
            throw new IllegalArgumentException("\"tools\" must be an array");
        }

        JsonNode kwargs = root.path("chat_template_kwargs");
        ChatRequestOptions options = new ChatRequestOptions(
                truthy(kwargs, "enable_thinking", true),
                truthy(kwargs, "truncate_history_thinking", true),
                truthy(root, "add_generation_prompt", true));
        return new ChatRequest(messages, tools, options);
    }

    /** Parses an OpenAI {@code function.arguments} JSON string; it must hold an object. */
    public static ObjectNode parseArguments(String argumentsJson) {
        JsonNode parsed;
        try {
            parsed = JSON.readTree(argumentsJson);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("tool call arguments are not valid JSON: " + argumentsJson, e);
        }
        if (parsed == null || !parsed.isObject()) {
            throw new IllegalArgumentException("tool call arguments must be a JSON object: " + argumentsJson);
        }
        return (ObjectNode) parsed;
    }

    private static ChatMessage message(JsonNode json, int index) {
        if (!json.isObject()) throw new IllegalArgumentException("message " + index + " is not an object");
        JsonNode role = json.path("role");
        if (!role.isTextual()) throw new IllegalArgumentException("message " + index + " has no \"role\" string");
        String content = content(json.path("content"), index);
        JsonNode reasoning = json.has("reasoning_content") ? json.get("reasoning_content") : json.path("reasoning");
        String reasoningContent = reasoning.isTextual() ? reasoning.textValue() : null;
        List<ToolCall> toolCalls = new ArrayList<>();
        JsonNode callsJson = json.path("tool_calls");
        if (callsJson.isArray()) {
            for (JsonNode call : callsJson) toolCalls.add(toolCall(call, index));
        }
        JsonNode toolCallId = json.path("tool_call_id");
        return new ChatMessage(role.textValue(), content, reasoningContent, toolCalls,
                toolCallId.isTextual() ? toolCallId.textValue() : null);
    }

    private static String content(JsonNode content, int index) {
        if (content.isMissingNode() || content.isNull()) return null;
        if (content.isTextual()) return content.textValue();
        if (content.isArray()) {
            List<String> texts = new ArrayList<>();
            for (JsonNode part : content) {
                if (part.isTextual()) {
                    texts.add(part.textValue());
                } else if (part.path("text").isTextual() && part.path("type").asText("text").equals("text")) {
                    texts.add(part.get("text").textValue());
                } else {
                    throw new IllegalArgumentException("message " + index + ": only text content parts are supported, got "
                            + part.path("type").asText("?"));
                }
            }
            return ChatMessage.joinTextParts(texts);
        }
        return PythonText.str(content);
    }

    private static ToolCall toolCall(JsonNode json, int messageIndex) {
        JsonNode function = json.has("function") ? json.get("function") : json;
        JsonNode name = function.path("name");
        if (name.isMissingNode() || name.isNull()) {
            throw new IllegalArgumentException("message " + messageIndex + ": a tool call has no function name");
        }
        JsonNode arguments = function.path("arguments");
        ObjectNode argumentObject = switch (arguments) {
            case ObjectNode object -> object;
            case JsonNode text when text.isTextual() -> parseArguments(text.textValue());
            case JsonNode absent when absent.isMissingNode() || absent.isNull() -> null;
            default -> throw new IllegalArgumentException("message " + messageIndex
                    + ": tool call arguments must be a JSON object or a JSON string, got " + arguments);
        };
        JsonNode id = json.path("id");
        return new ToolCall(id.isTextual() ? id.textValue() : null, PythonText.str(name), argumentObject);
    }

    private static boolean truthy(JsonNode object, String key, boolean whenUndefined) {
        if (!object.isObject() || !object.has(key)) return whenUndefined;
        JsonNode value = object.get(key);
        if (value.isNull()) return false;
        if (value.isBoolean()) return value.booleanValue();
        if (value.isNumber()) return value.doubleValue() != 0;
        if (value.isTextual()) return !value.textValue().isEmpty();
        return !value.isEmpty();
    }
}
