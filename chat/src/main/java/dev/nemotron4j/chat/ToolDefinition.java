package dev.nemotron4j.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Optional;

/**
 * One tool offered to the model, kept as the JSON the client sent: the template prints every schema key (known or
 * not) and the output parser reads parameter types from it, so nothing may be lost by mapping it to fixed fields.
 *
 * @param json the OpenAI tool object ({@code {"type":"function","function":{...}}}) or a bare function object
 */
public record ToolDefinition(JsonNode json) {

    public ToolDefinition {
        if (json == null) throw new IllegalArgumentException("a tool definition needs its JSON");
        json = json.deepCopy();
    }

    /** An OpenAI function tool with a JSON-schema {@code parameters} object (description may be {@code null}). */
    public static ToolDefinition function(String name, String description, JsonNode parameters) {
        ObjectNode function = JsonNodeFactory.instance.objectNode().put("name", name);
        if (description != null) function.put("description", description);
        if (parameters != null) function.set("parameters", parameters.deepCopy());
        ObjectNode tool = JsonNodeFactory.instance.objectNode().put("type", "function");
        tool.set("function", function);
        return new ToolDefinition(tool);
    }

    /** The JSON, as a copy. */
    @Override
    public JsonNode json() {
        return json.deepCopy();
    }

    /** The function object: {@code json.function} when present, else the JSON itself (as the template does). */
    public JsonNode function() {
        return json.isObject() && json.has("function") ? json.get("function") : json;
    }

    /** The function name, when it is a string. */
    public Optional<String> name() {
        JsonNode name = function().get("name");
        return name != null && name.isTextual() ? Optional.of(name.textValue()) : Optional.empty();
    }

    /** The JSON schema of one parameter ({@code parameters.properties[parameter]}), when declared. */
    public Optional<JsonNode> parameterSchema(String parameter) {
        JsonNode properties = function().path("parameters").path("properties");
        JsonNode schema = properties.isObject() ? properties.get(parameter) : null;
        return Optional.ofNullable(schema);
    }
}
