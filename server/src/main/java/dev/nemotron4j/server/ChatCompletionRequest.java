package dev.nemotron4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.chat.ChatRequest;
import dev.nemotron4j.chat.ChatRequestReader;
import dev.nemotron4j.chat.ToolDefinition;
import dev.nemotron4j.chat.output.JsonObjectGrammar;
import dev.nemotron4j.chat.output.JsonSchemaGrammar;
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
 * @param jsonSchema    {@code response_format: {"type": "json_schema", "json_schema": {"schema": S}}}: S (checked), or null
 */
public record ChatCompletionRequest(String model, ChatRequest chat, ToolChoice toolChoice, SamplingRequest sampling,
                                    boolean stream, boolean includeUsage, int topLogprobs, ThinkingBudget budget,
                                    List<Integer> budgetEndIds, boolean jsonObject, JsonNode jsonSchema) {
    private static final Set<String> ROLES = Set.of("system", "user", "assistant", "tool");

    /** The grammar the answer must follow (tool_choice required / named, or response_format json_object), or null. */
    public OutputGrammar grammar(boolean startsInReasoning) {
        if (jsonObject) return new JsonObjectGrammar(startsInReasoning);
        if (jsonSchema != null) return new JsonSchemaGrammar(jsonSchema, startsInReasoning);
        return toolChoice.grammar(chat.tools(), startsInReasoning);
    }

    /** Validates and reads a body; every problem is a 400 {@link ApiError} naming the field. */
    public static ChatCompletionRequest read(RequestReader r, int vocabSize) {
        String model = r.string("model").orElse(null);
        JsonNode kwargs = r.node("chat_template_kwargs");
        if (kwargs != null && !kwargs.isObject()) throw RequestReader.wrongType("chat_template_kwargs", "an object", kwargs);
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
        checkEnforceable(choice, chat.tools());

        SamplingRequest sampling = SamplingRequest.read(r, vocabSize, 1.0);
        boolean stream = r.bool("stream", false);
        JsonNode options = r.node("stream_options");
        if (options != null && !options.isObject()) throw RequestReader.wrongType("stream_options", "an object", options);
        boolean includeUsage = options != null && options.path("include_usage").asBoolean(false);
        int topLogprobs = -1;
        if (r.bool("logprobs", false)) topLogprobs = r.integer("top_logprobs", 0, 20).orElse(0);
        else if (r.has("top_logprobs")) r.integer("top_logprobs", 0, 20); // type-checked, ignored as OpenAI does

        JsonNode format = r.node("response_format");
        if (format != null && !format.isObject()) throw RequestReader.wrongType("response_format", "an object", format);
        String formatType = format == null ? "text" : format.path("type").asText("?");
        if (!formatType.equals("text") && !formatType.equals("json_object") && !formatType.equals("json_schema")) {
            throw ApiError.badRequest("'response_format' " + formatType + " is not supported; use \"text\", \"json_object\" or \"json_schema\"",
                    "response_format");
        }
        boolean jsonObject = formatType.equals("json_object");
        JsonNode jsonSchema = formatType.equals("json_schema") ? jsonSchema(format) : null;
        if ((jsonObject || jsonSchema != null) && (choice.mode() == ToolChoice.Mode.REQUIRED || choice.mode() == ToolChoice.Mode.NAMED)) {
            throw ApiError.badRequest("'response_format' " + formatType + " cannot be combined with a 'tool_choice' that requires a call",
                    "response_format");
        }
        ThinkingBudget budget;
        List<Integer> endIds;
        try {
            budget = ThinkingBudgetRequest.parse(r.root()).orElse(null);
            endIds = ThinkingBudgetRequest.endTokenIds(r.root()).orElse(null);
        } catch (IllegalArgumentException e) {
            String param = e.getMessage().startsWith("vllm_xargs") ? "vllm_xargs"
                    : e.getMessage().contains("grace") ? "thinking_budget_grace_period" : "reasoning_budget";
            throw ApiError.badRequest(e.getMessage(), param);
        }
        if (endIds != null && endIds.stream().anyMatch(id -> id < 0 || id >= vocabSize)) {
            throw ApiError.badRequest("'end_token_ids' holds an id outside the vocabulary [0, " + vocabSize + ")", "end_token_ids");
        }
        return new ChatCompletionRequest(model, chat, choice, sampling, stream, includeUsage, topLogprobs, budget, endIds, jsonObject,
                jsonSchema);
    }

    /**
     * A call that {@code tool_choice} forces has its parameter values constrained by their schemas: a schema keyword
     * that cannot be enforced is a 400 naming it (as for {@code response_format} json_schema), never ignored.
     */
    private static void checkEnforceable(ToolChoice choice, List<ToolDefinition> tools) {
        try {
            choice.grammar(tools, false);
        } catch (JsonSchemaGrammar.UnsupportedSchemaException e) {
            throw new ApiError(400, "invalid_request_error", "'tool_choice' " + choice.mode().name().toLowerCase()
                    + " constrains the call's arguments to their schemas, which this one cannot be: " + e.getMessage(), "tools",
                    "unsupported_schema_keyword");
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("'tool_choice' " + choice.mode().name().toLowerCase() + " cannot be enforced: " + e.getMessage(), "tools");
        }
    }

    /** {@code response_format.json_schema.schema}, checked: an unsupported keyword is a 400 naming it. */
    private static JsonNode jsonSchema(JsonNode format) {
        JsonNode spec = format.get("json_schema");
        if (spec == null || !spec.isObject()) {
            throw ApiError.badRequest("'response_format' json_schema needs a 'json_schema' object with a 'schema'", "response_format");
        }
        JsonNode schema = spec.get("schema");
        if (schema == null || !(schema.isObject() || schema.isBoolean())) {
            throw ApiError.badRequest("'response_format.json_schema.schema' must be a JSON schema object", "response_format");
        }
        JsonNode name = spec.get("name");
        if (name != null && !name.isTextual()) throw RequestReader.wrongType("response_format.json_schema.name", "a string", name);
        JsonNode strict = spec.get("strict");
        if (strict != null && !strict.isBoolean() && !strict.isNull()) {
            throw RequestReader.wrongType("response_format.json_schema.strict", "a boolean", strict);
        }
        try {
            new JsonSchemaGrammar(schema, false);
        } catch (JsonSchemaGrammar.UnsupportedSchemaException e) {
            throw new ApiError(400, "invalid_request_error", "'response_format' json_schema: " + e.getMessage(), "response_format",
                    "unsupported_schema_keyword");
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("'response_format' json_schema: " + e.getMessage(), "response_format");
        }
        return schema;
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
            String name = t.path("function").path("name").textValue();
            if (!isTagName(name)) {
                throw ApiError.badRequest("tools[" + i + "].function.name must be a non-empty name without whitespace, '<' or '>', got \""
                        + name + "\"", "tools");
            }
            for (int j = 0; j < i; j++) {
                if (out.get(j).name().orElse("").equals(name)) {
                    throw ApiError.badRequest("tools[" + i + "] repeats the function name '" + name + "'", "tools");
                }
            }
            JsonNode params = t.path("function").get("parameters");
            if (params != null && !params.isNull() && !params.isObject()) {
                throw ApiError.badRequest("tools[" + i + "].function.parameters must be a JSON schema object", "tools");
            }
            if (params != null && params.isObject()) checkParameters(params, "tools[" + i + "].function.parameters");
            out.add(new ToolDefinition(t));
        }
        return out;
    }

    /** A name that fits a {@code <function=NAME>} or {@code <parameter=NAME>} tag and survives the parser's stripping. */
    private static boolean isTagName(String name) {
        if (name == null || name.isEmpty()) return false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '<' || c == '>' || Character.isWhitespace(c) || Character.isISOControl(c)) return false;
        }
        return true;
    }

    /** Property names the call format can carry; {@code required} names only declared properties. */
    private static void checkParameters(JsonNode params, String where) {
        JsonNode properties = params.get("properties");
        if (properties != null && !properties.isNull() && !properties.isObject()) {
            throw ApiError.badRequest(where + ".properties must be an object", "tools");
        }
        if (properties != null && properties.isObject()) {
            for (var it = properties.fieldNames(); it.hasNext(); ) {
                String p = it.next();
                if (!isTagName(p)) {
                    throw ApiError.badRequest(where + ".properties has the name \"" + p + "\", which cannot appear in a <parameter=...> tag", "tools");
                }
                if (!properties.get(p).isObject() && !properties.get(p).isBoolean()) {
                    throw ApiError.badRequest(where + ".properties." + p + " must be a JSON schema object", "tools");
                }
            }
        }
        JsonNode required = params.get("required");
        if (required == null || required.isNull()) return;
        if (!required.isArray()) throw ApiError.badRequest(where + ".required must be an array of property names", "tools");
        for (JsonNode r : required) {
            if (!r.isTextual()) throw ApiError.badRequest(where + ".required must be an array of property names, got " + r, "tools");
            if (properties == null || !properties.isObject() || !properties.has(r.textValue())) {
                throw ApiError.badRequest(where + ".required names '" + r.textValue() + "', which is not among its properties", "tools");
            }
        }
    }
}
