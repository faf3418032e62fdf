package dev.nemotron4j.eval.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.cfg.EnumFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The one JSON dialect of the harness: snake_case property names and a canonical form
 * (object keys sorted, no whitespace) so that equal values always serialise to equal bytes.
 * Everything that is hashed (fingerprints, digests, cache keys) goes through {@link #canonical}.
 */
public final class CanonicalJson {

    /** Shared mapper: snake_case, records supported, unknown properties rejected (typos in configs fail loudly). */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
            .configure(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY, true)
            .configure(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS, true)
            .configure(EnumFeature.WRITE_ENUMS_TO_LOWERCASE, true)
            .build();

    private CanonicalJson() {}

    /** Any value as a tree with keys sorted recursively. */
    public static JsonNode tree(Object value) {
        JsonNode node = value instanceof JsonNode n ? n : MAPPER.valueToTree(value);
        return sorted(node);
    }

    /** The canonical single-line text of a value. */
    public static String canonical(Object value) {
        try {
            return MAPPER.writeValueAsString(tree(value));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Human-readable, still key-sorted (for files people read: results.json, lock.json). */
    public static String pretty(Object value) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(tree(value)) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses JSON text into a tree. */
    public static JsonNode parse(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("invalid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Binds a tree (or map) to a type using the snake_case convention. */
    public static <T> T bind(Object value, Class<T> type) {
        return MAPPER.convertValue(value, type);
    }

    private static JsonNode sorted(JsonNode node) {
        if (node instanceof ObjectNode object) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (String name : names) out.set(name, sorted(object.get(name)));
            return out;
        }
        if (node instanceof ArrayNode array) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            for (Iterator<JsonNode> it = array.elements(); it.hasNext(); ) out.add(sorted(it.next()));
            return out;
        }
        return node;
    }

    /** Convenience for building small objects in order. */
    public static ObjectNode object(Map<String, ?> fields) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        fields.forEach((k, v) -> out.set(k, MAPPER.valueToTree(v)));
        return out;
    }
}
