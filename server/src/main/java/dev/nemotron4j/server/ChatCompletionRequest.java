package dev.nemotron4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.chat.ChatRequest;
import dev.nemotron4j.chat.ChatRequestReader;
import dev.nemotron4j.chat.ToolDefinition;
import dev.nemotron4j.chat.output.JsonObjectGrammar;
import dev.nemotron4j.chat.output.OutputGrammar;
import dev.nemotron4j.chat.budget.ThinkingBudget;
import dev.nemotron4j.chat.budget.ThinkingBudgetRequest;

import java.util.List;
import java.util.Set;

/**
 * A validated {@code POST /v1/chat/completions} body.
 *
 * @param model         the requested model name (null when not given)
 * @param chat          what the template renders (tools already filtered by {@code tool_choice})
 * @param toolChoice    the tool choice
 * @param sampling      sampling, limits, stops, n
 * @param stream        answer with server-sent events
 * @param includeUsage  {@code stream_options.include_usage}: a last chunk carries the usage
 * @param topLogprobs   -1: no logprobs; otherwise {@code logprobs: true} with this many alternatives
 * @param budget        the reasoning budget, or null
 * @param budgetEndIds  the request's forced ending ids ({@code end_token_ids}), or null
 * @param jsonObject    {@code response_format: {"type": "json_object"}}: the answer is constrained to one JSON object
 */
public record ChatCompletionRequest(String model, ChatRequest chat, ToolChoice toolChoice, SamplingRequest sampling,
                                    boolean stream, boolean includeUsage, int topLogprobs, ThinkingBudget budget,
                                    List<Integer> budgetEndIds, boolean jsonObject) {
    private static final Set<String> ROLES = Set.of("system", "user", "assistant", "tool");

    /** The grammar the answer must follow (tool_choice required / named, or response_format json_object), or null. */
    public OutputGrammar grammar(boolean startsInReasoning) {
        if (jsonObject) return new JsonObjectGrammar(startsInReasoning);
        return toolChoice.grammar(chat.tools(), startsInReasoning);
    }

    /** Validates and reads a body; every problem is a 400 {@link ApiError} naming the field. */
    public static ChatCompletionRequest read(RequestReader r, int vocabSize) {
        String model = r.string("model").orElse(null);
        JsonNode root = normalizedMessages(r);
        List<ToolDefinition> tools = tools(r.node("tools"));
        ChatRequest chat;
        try {
            chat = ChatRequestReader.read(root);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage(), "messages");
        }
        ToolChoice choice = ToolChoice.read(r.node("tool_choice"), tools);
        chat = new ChatRequest(chat.messages(), choice.visibleTools(tools), chat.options());

        SamplingRequest sampling = SamplingRequest.read(r, vocabSize, 1.0);
        boolean stream = r.bool("stream", false);
        JsonNode options = r.node("stream_options");
        if (options != null && !options.isObject()) throw RequestReader.wrongType("stream_options", "an object", options);
        boolean includeUsage = options != null && options.path("include_usage").asBoolean(false);
        int topLogprobs = -1;
        if (r.bool("logprobs", false)) topLogprobs = r.integer("top_logprobs", 0, 20).orElse(0);
        else if (r.has("top_logprobs")) r.integer("top_logprobs", 0, 20); // type-checked, ignored as OpenAI does

        JsonNode format = r.node("response_format");
        String formatType = format == null ? "text" : format.path("type").asText("?");
        if (!formatType.equals("text") && !formatType.equals("json_object")) {
            throw ApiError.badRequest("'response_format' " + formatType + " is not supported; use \"text\" or \"json_object\"", "response_format");
        }
        boolean jsonObject = formatType.equals("json_object");
        if (jsonObject && (choice.mode() == ToolChoice.Mode.REQUIRED || choice.mode() == ToolChoice.Mode.NAMED)) {
            throw ApiError.badRequest("'response_format' json_object cannot be combined with a 'tool_choice' that requires a call",
                    "response_format");
        }
        ThinkingBudget budget;
        List<Integer> endIds;
        try {
            budget = ThinkingBudgetRequest.parse(r.root()).orElse(null);
            endIds = ThinkingBudgetRequest.endTokenIds(r.root()).orElse(null);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage(), "reasoning_budget");
        }
        if (endIds != null && endIds.stream().anyMatch(id -> id < 0 || id >= vocabSize)) {
            throw ApiError.badRequest("'end_token_ids' holds an id outside the vocabulary [0, " + vocabSize + ")", "end_token_ids");
        }
        return new ChatCompletionRequest(model, chat, choice, sampling, stream, includeUsage, topLogprobs, budget, endIds, jsonObject);
    }

    /**
     * Checks roles and field types the template reader is lenient about, and maps OpenAI's {@code developer} role to
     * {@code system} (the model knows only the latter).
     */
    private static JsonNode normalizedMessages(RequestReader r) {
        JsonNode messages = r.node("messages");
        if (messages == null) throw ApiError.badRequest("'messages' is required", "messages");
        if (!messages.isArray()) throw RequestReader.wrongType("messages", "an array", messages);
        if (messages.isEmpty()) throw ApiError.badRequest("'messages' must not be empty", "messages");
        ObjectNode root = ((ObjectNode) r.root()).deepCopy();
        ArrayNode copy = root.putArray("messages");
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            if (!m.isObject()) throw ApiError.badRequest("messages[" + i + "] must be an object", "messages");
            String role = m.path("role").asText("");
            if (role.equals("developer")) {
                m = ((ObjectNode) m).deepCopy().put("role", "system");
                role = "system";
            }
            if (!ROLES.contains(role)) {
                throw ApiError.badRequest("messages[" + i + "].role must be one of system, developer, user, assistant, tool; got "
                        + m.path("role"), "messages");
            }
            JsonNode content = m.get("content");
            if (content != null && !content.isNull() && !content.isTextual() && !content.isArray()) {
                throw ApiError.badRequest("messages[" + i + "].content must be a string or an array of content parts", "messages");
            }
            if ((content == null || content.isNull()) && !role.equals("assistant")) {
                throw ApiError.badRequest("messages[" + i + "].content is required for role " + role, "messages");
            }
            copy.add(m);
        }
        root.remove("tools"); // tools are read (and validated) separately, after tool_choice
        return root;
    }

    private static List<ToolDefinition> tools(JsonNode node) {
        if (node == null) return List.of();
        if (!node.isArray()) throw RequestReader.wrongType("tools", "an array", node);
        List<ToolDefinition> out = new java.util.ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode t = node.get(i);
            if (!t.isObject() || !"function".equals(t.path("type").asText()) || !t.path("function").path("name").isTextual()) {
                throw ApiError.badRequest("tools[" + i + "] must be {\"type\":\"function\",\"function\":{\"name\":...}}", "tools");
            }
            JsonNode params = t.path("function").get("parameters");
            if (params != null && !params.isNull() && !params.isObject()) {
                throw ApiError.badRequest("tools[" + i + "].function.parameters must be a JSON schema object", "tools");
            }
            out.add(new ToolDefinition(t));
        }
        return out;
    }
}
