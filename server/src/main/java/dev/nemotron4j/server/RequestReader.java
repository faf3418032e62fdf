package dev.nemotron4j.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * Typed access to the fields of a JSON request body. Every wrong type or out-of-range value becomes a 400
 * {@link ApiError} that names the field, so clients learn exactly what to fix. Absent fields and JSON
 * {@code null} both mean "not given" (OpenAI clients send explicit nulls for unset options).
 */
public final class RequestReader {
    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final JsonNode root;

    private RequestReader(JsonNode root) {
        this.root = root;
    }

    /** Parses a request body; it must be a JSON object. */
    public static RequestReader parse(byte[] body) {
        JsonNode root;
        try {
            root = JSON.readTree(new String(body, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("The request body is not valid JSON: " + e.getOriginalMessage(), null);
        }
        if (root == null || !root.isObject()) throw ApiError.badRequest("The request body must be a JSON object", null);
        return new RequestReader(root);
    }

    /** The parsed body. */
    public JsonNode root() {
        return root;
    }

    /** The field's value, or null when absent or JSON null. */
    public JsonNode node(String name) {
        JsonNode v = root.get(name);
        return v == null || v.isNull() ? null : v;
    }

    public boolean has(String name) {
        return node(name) != null;
    }

    public Optional<String> string(String name) {
        JsonNode v = node(name);
        if (v == null) return Optional.empty();
        if (!v.isTextual()) throw wrongType(name, "a string", v);
        return Optional.of(v.textValue());
    }

    public boolean bool(String name, boolean otherwise) {
        JsonNode v = node(name);
        if (v == null) return otherwise;
        if (!v.isBoolean()) throw wrongType(name, "a boolean", v);
        return v.booleanValue();
    }

    /** A number within [min, max]. */
    public OptionalDouble number(String name, double min, double max) {
        JsonNode v = node(name);
        if (v == null) return OptionalDouble.empty();
        if (!v.isNumber()) throw wrongType(name, "a number", v);
        double d = v.doubleValue();
        if (!(d >= min && d <= max)) throw outOfRange(name, d, min, max);
        return OptionalDouble.of(d);
    }

    /** An integer within [min, max] (a number with a fraction is rejected). */
    public OptionalInt integer(String name, long min, long max) {
        JsonNode v = node(name);
        if (v == null) return OptionalInt.empty();
        long l = integerValue(name, v);
        if (l < min || l > max) throw outOfRange(name, l, min, max);
        return OptionalInt.of((int) l);
    }

    /** A 64-bit integer (seeds). */
    public Optional<Long> longInteger(String name) {
        JsonNode v = node(name);
        return v == null ? Optional.empty() : Optional.of(integerValue(name, v));
    }

    /** A string or an array of strings (e.g. {@code stop}); empty list when absent. */
    public List<String> stringOrStrings(String name, int maxItems) {
        JsonNode v = node(name);
        if (v == null) return List.of();
        if (v.isTextual()) return List.of(v.textValue());
        if (!v.isArray()) throw wrongType(name, "a string or an array of strings", v);
        if (v.size() > maxItems) throw ApiError.badRequest("'" + name + "' may hold at most " + maxItems + " items", name);
        List<String> out = new ArrayList<>();
        for (JsonNode item : v) {
            if (!item.isTextual()) throw wrongType(name, "a string or an array of strings", v);
            out.add(item.textValue());
        }
        return out;
    }

    static long integerValue(String name, JsonNode v) {
        if (v.isIntegralNumber() && v.canConvertToLong()) return v.longValue();
        if (v.isNumber() && v.doubleValue() == Math.rint(v.doubleValue()) && Math.abs(v.doubleValue()) < 9e15) return (long) v.doubleValue();
        throw wrongType(name, "an integer", v);
    }

    static ApiError wrongType(String name, String expected, JsonNode got) {
        return ApiError.badRequest("'" + name + "' must be " + expected + ", got " + describe(got), name);
    }

    static ApiError outOfRange(String name, double value, double min, double max) {
        return ApiError.badRequest("'" + name + "' must be between " + fmt(min) + " and " + fmt(max) + ", got " + fmt(value), name);
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    private static String describe(JsonNode v) {
        String text = v.toString();
        String kind = v.isTextual() ? "string" : v.isBoolean() ? "boolean" : v.isNumber() ? "number" : v.isArray() ? "array" : v.isObject() ? "object" : v.getNodeType().name().toLowerCase();
        return kind + " " + (text.length() > 40 ? text.substring(0, 40) + "..." : text);
    }
}
