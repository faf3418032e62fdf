package dev.nemotron4j.chat.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.nemotron4j.chat.ToolDefinition;
import dev.nemotron4j.chat.python.PythonLiteralParser;
import dev.nemotron4j.chat.python.PythonText;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Turns the raw text of one {@code <parameter=NAME>} value into a JSON value using the tool's JSON schema
 * (PROTOCOL.md section 4, the rules of vLLM's {@code qwen3_coder} parser): strings stay text, integers and numbers
 * are parsed (else kept as text), booleans are {@code "true"} or not, objects and arrays are parsed as JSON or as a
 * Python literal (else kept as text). Unknown functions or parameters keep the raw text.
 */
public final class ToolArgumentCoercion {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper STRICT_JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    /** Python int(): optional sign, digits with single underscores between them. */
    private static final Pattern PYTHON_INT = Pattern.compile("[+-]?[0-9](_?[0-9])*");
    /** Python float() for finite values (inf/nan make vLLM keep the text anyway). */
    private static final Pattern PYTHON_FLOAT = Pattern.compile(
            "[+-]?([0-9](_?[0-9])*(\\.([0-9](_?[0-9])*)?)?|\\.[0-9](_?[0-9])*)([eE][+-]?[0-9](_?[0-9])*)?");

    private final Map<String, ToolDefinition> toolsByName = new HashMap<>();

    /** Coercion against the tools of one request. */
    public ToolArgumentCoercion(List<ToolDefinition> tools) {
        for (ToolDefinition tool : tools) {
            // The first definition of a name wins, as a lookup over the request's tool list would find it.
            tool.name().ifPresent(name -> toolsByName.putIfAbsent(name, tool));
        }
    }

    /** The JSON value of one argument. */
    public JsonNode coerce(String function, String parameter, String rawValue) {
        ToolDefinition tool = toolsByName.get(function);
        Optional<JsonNode> schema = tool == null ? Optional.empty() : tool.parameterSchema(parameter);
        return schema.isEmpty() ? NODES.textNode(rawValue) : coerce(schema.get(), rawValue);
    }

    /** The JSON value of a raw parameter value under its declared {@code schema}. */
    static JsonNode coerce(JsonNode schema, String rawValue) {
        String type = declaredType(schema);
        boolean stringType = switch (type) {
            case "string", "str", "text", "varchar", "char", "enum" -> true;
            default -> false;
        };
        boolean spelledNull = rawValue.toLowerCase(Locale.ROOT).equals("null") || rawValue.equals("None");
        if (spelledNull && (!stringType || allowsNull(schema))) return NODES.nullNode();
        if (stringType) return NODES.textNode(rawValue);
        if (type.startsWith("int") || type.startsWith("uint") || type.startsWith("long") || type.startsWith("short")
                || type.startsWith("unsigned")) {
            return integer(rawValue).orElseGet(() -> NODES.textNode(rawValue));
        }
        if (type.startsWith("num") || type.startsWith("float")) {
            return number(rawValue).orElseGet(() -> NODES.textNode(rawValue));
        }
        if (type.equals("boolean") || type.equals("bool") || type.equals("binary")) {
            // "True", "true", " TRUE " (the model often writes Python's spelling); anything else is false, as vLLM has it
            return NODES.booleanNode(PythonText.strip(rawValue).toLowerCase(Locale.ROOT).equals("true"));
        }
        if (type.equals("object") || type.equals("array") || type.equals("arr") || type.startsWith("dict")
                || type.startsWith("list")) {
            Optional<JsonNode> json = json(rawValue);
            if (json.isPresent()) return json.get();
        }
        return PythonLiteralParser.parse(rawValue).orElseGet(() -> NODES.textNode(rawValue));
    }

    /**
     * The schema's type, lower-cased: {@code type} when it is a string; the first non-null entry of a type list or of
     * {@code anyOf}/{@code oneOf}; else what the {@code enum} or {@code const} values all are (boolean, integer,
     * number); {@code "string"} when nothing is declared.
     */
    static String declaredType(JsonNode schema) {
        JsonNode type = schema.path("type");
        if (type.isTextual()) return PythonText.strip(type.textValue()).toLowerCase(Locale.ROOT);
        if (type.isArray()) {
            for (JsonNode entry : type) {
                if (entry.isTextual() && !entry.textValue().equals("null")) return entry.textValue().toLowerCase(Locale.ROOT);
            }
        }
        for (String combinator : List.of("anyOf", "oneOf")) {
            JsonNode alternatives = schema.path(combinator);
            if (!alternatives.isArray()) continue;
            for (JsonNode alternative : alternatives) {
                JsonNode alternativeType = alternative.path("type");
                if (alternativeType.isTextual() && !alternativeType.textValue().equals("null")) {
                    return alternativeType.textValue().toLowerCase(Locale.ROOT);
                }
            }
        }
        return valuesType(schema);
    }

    /** The type every {@code enum} (or {@code const}) value has, when they agree on boolean or a number; else "string". */
    private static String valuesType(JsonNode schema) {
        List<JsonNode> values = new java.util.ArrayList<>();
        if (schema.path("enum").isArray()) schema.get("enum").forEach(values::add);
        if (schema.has("const")) values.add(schema.get("const"));
        values.removeIf(JsonNode::isNull);
        if (values.isEmpty()) return "string";
        if (values.stream().allMatch(JsonNode::isBoolean)) return "boolean";
        if (values.stream().allMatch(JsonNode::isIntegralNumber)) return "integer";
        if (values.stream().allMatch(JsonNode::isNumber)) return "number";
        return "string";
    }

    /** Whether the schema admits null: {@code nullable: true}, a {@code "null"} type, or a null alternative. */
    static boolean allowsNull(JsonNode schema) {
        if (schema.path("nullable").asBoolean(false)) return true;
        JsonNode type = schema.path("type");
        if (type.isTextual() && type.textValue().equals("null")) return true;
        if (type.isArray()) {
            for (JsonNode entry : type) if (entry.isTextual() && entry.textValue().equals("null")) return true;
        }
        for (String combinator : List.of("anyOf", "oneOf")) {
            for (JsonNode alternative : schema.path(combinator)) {
                if (alternative.path("type").asText("").equals("null")) return true;
            }
        }
        return false;
    }

    private static Optional<JsonNode> integer(String raw) {
        String text = PythonText.strip(raw);
        if (!PYTHON_INT.matcher(text).matches()) return Optional.empty();
        return Optional.of(NODES.numberNode(new BigInteger(text.replace("_", ""))));
    }

    /** A number, written as an integer when it is integral (Python: {@code int(f)} when {@code f - int(f) == 0}). */
    private static Optional<JsonNode> number(String raw) {
        String text = PythonText.strip(raw);
        if (!PYTHON_FLOAT.matcher(text).matches()) return Optional.empty();
        double value = Double.parseDouble(text.replace("_", ""));
        if (Double.isInfinite(value)) return Optional.empty();
        if (value == Math.floor(value)) return Optional.of(NODES.numberNode(new BigDecimal(value).toBigInteger()));
        return Optional.of(NODES.numberNode(value));
    }

    private static Optional<JsonNode> json(String raw) {
        try {
            JsonNode parsed = STRICT_JSON.readTree(raw);
            return parsed == null || parsed.isMissingNode() ? Optional.empty() : Optional.of(parsed);
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }
}
