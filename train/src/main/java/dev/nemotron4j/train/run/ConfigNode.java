package dev.nemotron4j.train.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A map of a YAML config read with its dotted path, so that every wrong value is reported with the key that holds
 * it ({@code optimizer.beta2: expected a number in [0, 1), got 'high'}). Every key read is remembered;
 * {@link #rejectUnknownKeys()} names the ones nobody read (typos).
 */
final class ConfigNode {
    private final String path;
    private final Map<String, Object> map;
    private final Set<String> read = new TreeSet<>();

    ConfigNode(String path, Map<String, Object> map) {
        this.path = path;
        this.map = map;
    }

    /** The error for key {@code key}: {@code path.key: message}. */
    ConfigException error(String key, String message) {
        return new ConfigException(qualified(key) + ": " + message);
    }

    String qualified(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    boolean has(String key) {
        return map.containsKey(key) && map.get(key) != null;
    }

    private Object required(String key) {
        read.add(key);
        Object v = map.get(key);
        if (v == null) throw error(key, "missing");
        return v;
    }

    @SuppressWarnings("unchecked")
    ConfigNode node(String key) {
        Object v = required(key);
        if (!(v instanceof Map<?, ?> m)) throw error(key, "expected a section (a map of keys), got " + describe(v));
        return new ConfigNode(qualified(key), (Map<String, Object>) m);
    }

    /** The raw map of a section (keys checked by the caller). */
    @SuppressWarnings("unchecked")
    Map<String, Object> rawMap(String key) {
        Object v = required(key);
        if (!(v instanceof Map<?, ?> m)) throw error(key, "expected a section (a map of keys), got " + describe(v));
        return (Map<String, Object>) m;
    }

    long integer(String key, long min, long max) {
        Object v = required(key);
        long x;
        if (v instanceof Integer || v instanceof Long || v instanceof java.math.BigInteger) {
            x = ((Number) v).longValue();
        } else if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
            x = d.longValue();
        } else {
            throw error(key, "expected an integer, got " + describe(v));
        }
        if (x < min || x > max) throw error(key, "must be in [" + min + ", " + max + "], got " + x);
        return x;
    }

    int intValue(String key, int min, int max) {
        return (int) integer(key, min, max);
    }

    /** A finite number in [min, max] (inclusive; use Math.nextDown for an open end). */
    double number(String key, double min, double max) {
        Object v = required(key);
        if (!(v instanceof Number n)) throw error(key, "expected a number, got " + describe(v));
        double x = n.doubleValue();
        if (!Double.isFinite(x) || x < min || x > max) throw error(key, "must be a number in [" + min + ", " + max + "], got " + v);
        return x;
    }

    boolean bool(String key) {
        Object v = required(key);
        if (!(v instanceof Boolean b)) throw error(key, "expected true or false, got " + describe(v));
        return b;
    }

    String string(String key) {
        Object v = required(key);
        if (!(v instanceof String s)) throw error(key, "expected a string, got " + describe(v));
        return s;
    }

    /** A string, or {@code fallback} when the key is absent or null. */
    String optionalString(String key, String fallback) {
        read.add(key);
        return has(key) ? string(key) : fallback;
    }

    String choice(String key, List<String> choices) {
        String s = string(key);
        if (!choices.contains(s)) throw error(key, "'" + s + "' is not one of " + choices);
        return s;
    }

    /** Fails on the first key of this section that no getter read. */
    void rejectUnknownKeys() {
        List<String> unknown = new ArrayList<>();
        for (String k : map.keySet()) if (!read.contains(k)) unknown.add(k);
        if (!unknown.isEmpty()) {
            throw error(unknown.getFirst(), "unknown key" + (read.isEmpty() ? "" : " (known keys here: " + String.join(", ", read) + ")"));
        }
    }

    static String describe(Object v) {
        if (v instanceof String s) return "'" + s + "'";
        if (v instanceof Map<?, ?>) return "a section";
        if (v instanceof List<?>) return "a list";
        return String.valueOf(v);
    }

    static Map<String, Object> copy(Map<String, Object> m) {
        return new LinkedHashMap<>(m);
    }
}
