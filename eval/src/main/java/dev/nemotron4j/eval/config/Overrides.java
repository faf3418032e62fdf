package dev.nemotron4j.eval.config;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code key.path=value} overrides applied to a YAML tree. Path segments walk maps by key and lists
 * either by index or by the {@code name} of an element ({@code tasks.gsm8k.repeats=4}); values are
 * parsed as YAML ({@code 0.6}, {@code true}, {@code [1, 2]}, {@code null}).
 */
public final class Overrides {
    private Overrides() {}

    /** Applies {@code assignments} in order to {@code tree} (mutated). */
    public static void apply(Map<String, Object> tree, List<String> assignments) {
        for (String assignment : assignments) {
            int eq = assignment.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("override must look like key.path=value: " + assignment);
            set(tree, assignment.substring(0, eq).trim(), parseValue(assignment.substring(eq + 1)));
        }
    }

    /** Sets {@code value} at dotted {@code path}, creating maps on the way. */
    @SuppressWarnings("unchecked")
    public static void set(Map<String, Object> tree, String path, Object value) {
        String[] parts = path.split("\\.");
        Object node = tree;
        for (int i = 0; i < parts.length - 1; i++) {
            node = child(node, parts[i], path, true);
        }
        String last = parts[parts.length - 1];
        if (node instanceof Map<?, ?> map) {
            ((Map<String, Object>) map).put(last, value);
        } else if (node instanceof List<?> list) {
            int index = listIndex((List<Object>) list, last, path);
            ((List<Object>) list).set(index, value);
        } else {
            throw new IllegalArgumentException("cannot set " + path + ": parent is not a map or list");
        }
    }

    @SuppressWarnings("unchecked")
    private static Object child(Object node, String key, String path, boolean create) {
        if (node instanceof Map<?, ?> map) {
            Map<String, Object> m = (Map<String, Object>) map;
            Object next = m.get(key);
            if (next == null && create) {
                next = new LinkedHashMap<String, Object>();
                m.put(key, next);
            }
            return next;
        }
        if (node instanceof List<?> list) {
            return list.get(listIndex((List<Object>) list, key, path));
        }
        throw new IllegalArgumentException("cannot follow " + path + " at '" + key + "'");
    }

    private static int listIndex(List<Object> list, String key, String path) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) instanceof Map<?, ?> element && key.equals(String.valueOf(element.get("name")))) return i;
        }
        try {
            int index = Integer.parseInt(key);
            if (index >= 0 && index < list.size()) return index;
        } catch (NumberFormatException ignored) {
            // fall through to the error below
        }
        throw new IllegalArgumentException("no element '" + key + "' in list at " + path);
    }

    static Object parseValue(String text) {
        Object value = new Load(LoadSettings.builder().build()).loadFromString(text.isEmpty() ? "''" : text);
        return value instanceof List<?> l ? new ArrayList<>(l) : value;
    }
}
