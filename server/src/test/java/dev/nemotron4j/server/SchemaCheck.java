package dev.nemotron4j.server;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.HashSet;
import java.util.Set;

/**
 * A JSON Schema validator for the subset {@code JsonSchemaGrammar} supports, written apart from it (on parsed values,
 * not bytes), so that the grammar's outputs can be checked against their schemas independently.
 */
final class SchemaCheck {
    private SchemaCheck() {}

    static boolean valid(JsonNode value, JsonNode schema) {
        return valid(value, schema, schema);
    }

    static boolean valid(JsonNode v, JsonNode s, JsonNode root) {
        if (s.isBoolean()) return s.booleanValue();
        if (s.has("$ref")) {
            String ref = s.get("$ref").asText();
            String[] parts = ref.split("/");
            return valid(v, root.get(parts[1]).get(parts[2]), root);
        }
        if (s.has("anyOf")) {
            for (JsonNode alt : s.get("anyOf")) if (valid(v, alt, root)) return true;
            return false;
        }
        if (s.has("const") && !equal(s.get("const"), v)) return false;
        if (s.has("enum")) {
            boolean any = false;
            for (JsonNode e : s.get("enum")) any |= equal(e, v);
            if (!any) return false;
        }
        if (s.has("type")) {
            JsonNode t = s.get("type");
            boolean ok = false;
            if (t.isTextual()) ok = isType(v, t.textValue());
            else for (JsonNode x : t) ok |= isType(v, x.textValue());
            if (!ok) return false;
        }
        if (v.isObject()) {
            JsonNode props = s.path("properties");
            for (JsonNode r : s.path("required")) if (!v.has(r.asText())) return false;
            for (var it = v.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (props.has(k)) {
                    if (!valid(v.get(k), props.get(k), root)) return false;
                } else if (s.path("additionalProperties").isBoolean() && !s.get("additionalProperties").booleanValue()) {
                    return false;
                }
            }
        }
        if (v.isArray()) {
            if (s.has("minItems") && v.size() < s.get("minItems").asInt()) return false;
            if (s.has("maxItems") && v.size() > s.get("maxItems").asInt()) return false;
            if (s.has("items")) for (JsonNode x : v) if (!valid(x, s.get("items"), root)) return false;
        }
        if (v.isTextual()) {
            int n = v.textValue().codePointCount(0, v.textValue().length());
            if (s.has("minLength") && n < s.get("minLength").asInt()) return false;
            if (s.has("maxLength") && n > s.get("maxLength").asInt()) return false;
        }
        if (v.isNumber()) {
            if (s.has("minimum") && v.doubleValue() < s.get("minimum").asDouble()) return false;
            if (s.has("maximum") && v.doubleValue() > s.get("maximum").asDouble()) return false;
        }
        return true;
    }

    private static boolean equal(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) return a.decimalValue().compareTo(b.decimalValue()) == 0;
        return a.equals(b);
    }

    private static boolean isType(JsonNode v, String t) {
        return switch (t) {
            case "object" -> v.isObject();
            case "array" -> v.isArray();
            case "string" -> v.isTextual();
            case "number" -> v.isNumber();
            case "integer" -> v.isIntegralNumber() || v.isNumber() && v.doubleValue() == Math.rint(v.doubleValue());
            case "boolean" -> v.isBoolean();
            case "null" -> v.isNull();
            default -> false;
        };
    }

    /** The property names a schema object declares (for the generator). */
    static Set<String> names(JsonNode s) {
        Set<String> out = new HashSet<>();
        s.path("properties").fieldNames().forEachRemaining(out::add);
        return out;
    }
}
