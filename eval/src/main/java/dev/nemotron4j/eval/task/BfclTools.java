package dev.nemotron4j.eval.task;

import dev.nemotron4j.chat.python.PythonJsonWriter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.eval.score.BfclAstChecker.Language;

import java.util.Iterator;
import java.util.Map;

/**
 * BFCL's functions as the tools its function-calling mode offers an OpenAI-compatible endpoint
 * ({@code bfcl_eval/utils.py} {@code _func_doc_language_specific_pre_processing}, then
 * {@code model_handler/utils.py} {@code convert_to_tool} with {@code GORILLA_TO_OPENAPI}): every description ends with
 * the language hint; a Java or JavaScript parameter becomes a string whose description says which type it is written
 * as ("This is Java ArrayList type parameter in string representation.", the list elements' type, a JavaScript
 * object's schema as Python's {@code json.dumps} writes it); then dots in names become underscores, BFCL's type names
 * JSON Schema's (unknown ones {@code string}), and a {@code float} parameter gets {@code "format": "float"} and
 * " This is a float type value." at the end of its description.
 */
final class BfclTools {
    private BfclTools() {}

    /** What BFCL appends to every function's description. */
    static String hint(Language language) {
        return " Note that the provided function is in " + switch (language) {
            case PYTHON -> "Python 3";
            case JAVA -> "Java 8 SDK";
            case JAVASCRIPT -> "JavaScript";
        } + " syntax.";
    }

    /** BFCL's GORILLA_TO_OPENAPI. */
    private static final Map<String, String> OPENAPI = Map.ofEntries(Map.entry("integer", "integer"), Map.entry("number", "number"),
            Map.entry("float", "number"), Map.entry("string", "string"), Map.entry("boolean", "boolean"), Map.entry("bool", "boolean"),
            Map.entry("array", "array"), Map.entry("list", "array"), Map.entry("dict", "object"), Map.entry("object", "object"),
            Map.entry("tuple", "array"), Map.entry("any", "string"), Map.entry("byte", "integer"), Map.entry("short", "integer"),
            Map.entry("long", "integer"), Map.entry("double", "number"), Map.entry("char", "string"), Map.entry("ArrayList", "array"),
            Map.entry("Array", "array"), Map.entry("HashMap", "object"), Map.entry("Hashtable", "object"), Map.entry("Queue", "array"),
            Map.entry("Stack", "array"), Map.entry("Any", "string"), Map.entry("String", "string"), Map.entry("Bigint", "integer"));

    /** A BFCL function as an OpenAI tool, as BFCL offers it for a category in {@code language}. */
    static ObjectNode tool(JsonNode function, Language language) {
        ObjectNode tool = JsonNodeFactory.instance.objectNode().put("type", "function");
        ObjectNode f = tool.putObject("function");
        f.put("name", function.path("name").asText().replace('.', '_'));
        f.put("description", function.path("description").asText("") + hint(language));
        ObjectNode parameters = function.path("parameters") instanceof ObjectNode o ? o.deepCopy() : JsonNodeFactory.instance.objectNode();
        if (!(parameters.get("properties") instanceof ObjectNode)) parameters.putObject("properties");
        ObjectNode properties = (ObjectNode) parameters.get("properties");
        if (language != Language.PYTHON) asSourceText(properties, language);
        parameters.put("type", "object");
        castToOpenApi(properties);
        f.set("parameters", parameters);
        return tool;
    }

    /** Java and JavaScript parameters are asked for as source text: each becomes a string that says what it is written as. */
    private static void asSourceText(ObjectNode properties, Language language) {
        for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
            if (!(it.next().getValue() instanceof ObjectNode value)) continue;
            String type = value.path("type").asText();
            StringBuilder description = new StringBuilder(value.path("description").asText(""));
            String objects = language == Language.JAVA ? "Java" : "JavaScript";
            if (type.equals("any")) description.append(" This parameter can be of any type of ").append(objects).append(" object in string representation.");
            else description.append(" This is ").append(objects).append(' ').append(type).append(" type parameter in string representation.");
            boolean list = language == Language.JAVA ? type.equals("ArrayList") || type.equals("Array") : type.equals("array");
            if (list) {
                description.append(" The list elements are of type ").append(value.path("items").path("type").asText())
                        .append("; they are not in string representation.");
                value.remove("items");
            }
            if (language == Language.JAVASCRIPT && type.equals("dict") && value.has("properties")) {
                description.append(" The dictionary entries have the following schema; they are not in string representation. ")
                        .append(pythonJson(value.get("properties")));
                value.remove("properties");
            }
            value.put("description", description.toString());
            value.put("type", "string");
        }
    }

    /** BFCL's {@code _cast_to_openai_type}. */
    private static ObjectNode castToOpenApi(ObjectNode properties) {
        for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
            if (!(it.next().getValue() instanceof ObjectNode value)) continue;
            if (!value.path("type").isTextual()) {
                value.put("type", "string");
            } else {
                String type = value.get("type").asText();
                if (type.equals("float")) {
                    value.put("format", "float");
                    value.put("description", value.path("description").asText("") + " This is a float type value.");
                }
                value.put("type", OPENAPI.getOrDefault(type, "string"));
            }
            String type = value.get("type").asText();
            if (!type.equals("array") && !type.equals("object")) continue;
            if (value.get("properties") instanceof ObjectNode nested) {
                castToOpenApi(nested);
            } else if (value.get("items") instanceof ObjectNode items) {
                items.put("type", OPENAPI.getOrDefault(items.path("type").asText(), "string"));
                if (items.get("type").asText().equals("array") && items.get("items") instanceof ObjectNode inner) {
                    inner.put("type", OPENAPI.getOrDefault(inner.path("type").asText(), "string"));
                } else if (items.get("type").asText().equals("object") && items.get("properties") instanceof ObjectNode inner) {
                    castToOpenApi(inner);
                }
            }
        }
        return properties;
    }

    /** JSON as Python's {@code json.dumps} writes it by default: {@code ", "} and {@code ": "} separators, ASCII only. */
    static String pythonJson(JsonNode node) {
        return PythonJsonWriter.dumps(node, true);
    }

    /** Python's {@code repr} of a float as {@code json.dumps} writes it (non-finite values the JavaScript way). */
    static String pythonFloat(double d) {
        return PythonJsonWriter.floatText(d);
    }
}
